import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

const EXEC_COMMAND = {
  type: 'function', name: 'exec_command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
};
const THOUGHT = 'The user wants the files listed; run ls and report.';
const include = ['reasoning.encrypted_content'];

describe('sealed reasoning over HTTP (store: false, the whole history each turn, as Codex does)', () => {
  it('seals the reasoning of a response and gives it back to the model when the blob returns', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'reasoning', text: THOUGHT }, { type: 'tool-call', name: 'exec_command', input: { cmd: 'ls' } }] },
        { parts: [{ type: 'text', text: 'Two files.' }] },
      ],
    });
    const client = harness.client();
    const first = await client.responses.create({ model: 'm', input: 'list files', tools: [EXEC_COMMAND], store: false, include } as never);
    const [reasoning, call] = first.output as unknown as [Record<string, unknown>, { call_id: string }];
    expect(reasoning).toMatchObject({ type: 'reasoning', encrypted_content: expect.stringMatching(/^ap1\./) });

    const second = await client.responses.create({
      model: 'm', store: false, include, tools: [EXEC_COMMAND],
      input: [
        { type: 'message', role: 'user', content: 'list files' },
        { ...reasoning, content: [] },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: 'a\nb' },
      ],
    } as never);

    expect(second.output_text).toBe('Two files.');
    expect(harness.model!.calls[1]!.request.messages[1]).toMatchObject({ role: 'assistant', reasoning: THOUGHT });
  });

  it('ignores a tampered blob: the request succeeds without that reasoning', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'fine' }] }] });
    const response = await harness.client().responses.create({
      model: 'm', store: false, include,
      input: [
        { type: 'message', role: 'user', content: 'hi' },
        { type: 'reasoning', summary: [], encrypted_content: 'ap1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        { type: 'message', role: 'assistant', content: 'hello' },
        { type: 'message', role: 'user', content: 'again' },
      ],
    } as never);
    expect(response.output_text).toBe('fine');
    expect(harness.model!.calls[0]!.request.messages.some((message) => message.role === 'assistant' && 'reasoning' in message)).toBe(false);
  });
});
