import { COMPACTION_SUMMARY_PREFIX } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

// Codex's remote compaction, in the shapes the Codex CLI sends (store: false, the whole history
// each turn, sealed reasoning, its tools): POST /v1/responses/compact returns the replacement
// history, which Codex sends as the next turn's input.

const startGateway = useGateways();

const EXEC_COMMAND = {
  type: 'function', name: 'exec_command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
};
const include = ['reasoning.encrypted_content'];
const SUMMARY = 'Listed the repository: two files, a and b. Next: read a.';

describe('Codex remote compaction', () => {
  it('compacts a Codex history with tools and sealed reasoning, and the next turn runs on the replacement history', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'reasoning', text: 'List first.' }, { type: 'tool-call', name: 'exec_command', input: { cmd: 'ls' } }] },
        { parts: [{ type: 'text', text: 'Two files: a and b.' }] },
        { parts: [{ type: 'text', text: SUMMARY }] },
        { parts: [{ type: 'text', text: 'a says hello.' }] },
      ],
    });
    const client = harness.client();
    const codexTurn = { model: 'm', store: false, include, tools: [EXEC_COMMAND], instructions: 'You are Codex.', parallel_tool_calls: true, reasoning: { effort: 'medium', summary: 'auto' } };
    const first = await client.responses.create({ ...codexTurn, input: [{ type: 'message', role: 'user', content: 'list files' }] } as never);
    const [reasoning, call] = first.output as unknown as [Record<string, unknown>, { call_id: string }];
    const history = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
      reasoning, call, { type: 'function_call_output', call_id: call.call_id, output: 'a\nb' },
    ];
    const second = await client.responses.create({ ...codexTurn, input: history } as never);
    history.push(...(second.output as unknown as Record<string, unknown>[]));

    const compacted = await client.responses.compact({ ...codexTurn, input: history } as never);
    expect(compacted.output.map((item) => item.type)).toEqual(['message', 'compaction']);
    // The summarising call saw the tool call and its output, and was offered no tools.
    const compactCall = harness.model!.calls[2]!.request;
    expect(compactCall.tools).toBeUndefined();
    expect(JSON.stringify(compactCall.messages)).toContain('a\\nb');

    const third = await client.responses.create({
      ...codexTurn, input: [...compacted.output, { type: 'message', role: 'user', content: 'read a' }],
    } as never);
    expect(third.output_text).toBe('a says hello.');
    expect(harness.model!.calls[3]!.request.messages).toEqual([
      { role: 'system', content: 'You are Codex.' },
      { role: 'user', content: 'list files' },
      { role: 'user', content: `${COMPACTION_SUMMARY_PREFIX}${SUMMARY}` },
      { role: 'user', content: 'read a' },
    ]);
  });

  it('does not take a sealed reasoning blob for a compaction (each seal has its purpose)', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'reasoning', text: 'secret thought' }, { type: 'text', text: 'ok' }] }] });
    const first = await harness.client().responses.create({ model: 'm', store: false, include, input: 'hi' } as never);
    const blob = (first.output[0] as unknown as { encrypted_content: string }).encrypted_content;
    const answer = await harness.fetch('/v1/responses', {
      method: 'POST', body: { model: 'm', store: false, input: [{ type: 'compaction', encrypted_content: blob }, { role: 'user', content: 'go on' }] },
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { code: 'invalid_encrypted_content', param: 'input[0].encrypted_content' } });
  });
});
