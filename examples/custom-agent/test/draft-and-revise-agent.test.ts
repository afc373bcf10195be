import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type AgentEvent, newId } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { describe, expect, it } from 'vitest';
import { DraftAndReviseAgent } from '../src/draft-and-revise-agent.js';

async function runAgent(model: ScriptedModel, signal = new AbortController().signal) {
  const agent = new DraftAndReviseAgent(model);
  const input = [{ type: 'message' as const, id: newId('message'), role: 'user' as const, content: [{ type: 'input_text' as const, text: 'Explain WAL.' }] }];
  const events: AgentEvent[] = [];
  for await (const event of agent.run({ history: [], input }, { signal, tenant: 't', responseId: newId('response') })) events.push(event);
  return events;
}

describe('examples/custom-agent: DraftAndReviseAgent', () => {
  it('drafts, asks for a revision, and streams only the revision as one message', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'text', text: 'A long first draft about write-ahead logs.' }], usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 } },
      { parts: [{ type: 'text', text: 'WAL writes changes to a log first.' }], usage: { inputTokens: 20, outputTokens: 8, totalTokens: 28 } },
    ]);
    const events = await runAgent(model);
    expect(model.requests).toHaveLength(2);
    expect(model.requests[1]!.messages).toEqual([
      { role: 'user', content: 'Explain WAL.' },
      { role: 'assistant', content: 'A long first draft about write-ahead logs.' },
      { role: 'user', content: 'Revise your draft: make it shorter and clearer. Reply with the revision only.' },
    ]);
    const done = events.filter((e) => e.type === 'item.done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ item: { status: 'completed', content: [{ type: 'output_text', text: 'WAL writes changes to a log first.' }] } });
    expect(events.at(-1)).toEqual({ type: 'completed', usage: { inputTokens: 25, outputTokens: 17, totalTokens: 42 } });
  });

  it('ends failed, with its message closed, when the revision call fails', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'text', text: 'draft' }] },
      { parts: [{ type: 'text', text: 'half' }], error: { code: 'provider_error', message: 'upstream died', afterParts: true } },
    ]);
    const events = await runAgent(model);
    expect(events.at(-2)).toMatchObject({ type: 'item.done', item: { status: 'incomplete' } });
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'provider_error' } });
  });

  it('runs as a program and prints the revised answer', async () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [main, 'What is agentport?']);
    expect(stdout).toContain('Q: What is agentport?');
    expect(stdout).toContain('A: agentport runs agents on your own vLLM models behind an OpenAI-compatible API.');
    expect(stdout).toContain('[completed;');
  });
});
