import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '@agentport/store-sqlite';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayHarness, checkResponseStream, connectResponsesWS, RawClient } from '@agentport/gateway/testing';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The gateway over VllmAgentModel, the fake vLLM server and SQLite on a temp file. */
async function startStack(turns: FakeTurn[]): Promise<{ fake: FakeVllmServer; harness: GatewayHarness }> {
  const dir = await mkdtemp(join(tmpdir(), 'agentport-ws-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const fake = await new FakeVllmServer({ turns }).start();
  cleanups.push(() => fake.close());
  const store = await SqliteStateStore.open({ path: join(dir, 'agentport.db'), purgeIntervalSeconds: 0 });
  cleanups.push(() => store.close());
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  cleanups.push(() => model.close());
  const harness = await GatewayHarness.start({ model, store });
  cleanups.push(() => harness.close());
  return { fake, harness };
}

const shellTool = {
  type: 'function' as const, name: 'exec_command', strict: false,
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
};

describe('WebSocket turns over VllmAgentModel, the fake vLLM server and SQLite', () => {
  it('runs a Codex-style session: prewarm, a tool call, its output in the next store:false turn', async () => {
    const { fake, harness } = await startStack([
      { parts: [{ type: 'tool-call', name: 'exec_command', input: { cmd: 'ls' }, id: 'call_ls' }] },
      { parts: [{ type: 'text', text: 'The repo holds README.md.' }] },
    ]);
    const { ws, log, sdkErrors } = connectResponsesWS(harness);
    cleanups.push(() => ws.close());
    const base = { type: 'response.create' as const, model: 'fake-model', store: false, tools: [shellTool], instructions: 'You are a coding agent.' };

    ws.send({ ...base, input: 'List the repo.', generate: false });
    const [prewarm] = await log.terminals(1);
    ws.send({ ...base, input: [], previous_response_id: prewarm!.response!.id });
    const [, call] = await log.terminals(2);
    expect(call!.response!.output.at(-1)).toMatchObject({ type: 'function_call', call_id: 'call_ls', name: 'exec_command' });
    ws.send({ ...base, previous_response_id: call!.response!.id, input: [{ type: 'function_call_output', call_id: 'call_ls', output: 'README.md' }] });
    const [, , final] = await log.terminals(3);

    expect(final!.response!.output).toMatchObject([{ type: 'message', content: [{ text: 'The repo holds README.md.' }] }]);
    for (const id of log.responseIds()) checkResponseStream(log.eventsOf(id));
    expect(fake.chatRequests).toHaveLength(2);
    expect(fake.lastChatBody.messages).toEqual([
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'List the repo.' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_ls' })] }),
      { role: 'tool', tool_call_id: 'call_ls', content: 'README.md' },
    ]);
    expect(await harness.store.getResponse('default', final!.response!.id)).toBeUndefined();
    expect(sdkErrors).toEqual([]);
  });

  it('aborts the upstream request when the client closes the socket mid-stream', async () => {
    const { fake, harness } = await startStack([
      { parts: [{ type: 'text', text: 'Partial' }, { type: 'delay', ms: 10_000 }, { type: 'text', text: ' never sent' }] },
    ]);
    const client = await RawClient.connect(harness);
    client.send({ type: 'response.create', model: 'fake-model', input: 'hi' });
    await client.log.waitFor((frame) => frame.type === 'response.output_text.delta');
    client.socket.terminate();

    const closed = await fake.waitForClientClose();
    expect(closed.path).toBe('/v1/chat/completions');
    const responseId = client.log.responseIds()[0]!;
    expect(await harness.waitForStatus(responseId, ['cancelled', 'completed', 'failed'])).toBe('cancelled');
  });
});
