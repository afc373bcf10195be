/**
 * The soak's vLLM: the fake server (vLLM's real wire protocol) answering each chat request by
 * the tag in its last user message, `soak:<behaviour>:<tokens>`, so a client knows what to expect.
 */
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';

export const SOAK_MODEL = 'soak-model';

/**
 * What the upstream does: `ok` streams the tokens at a GPU's pace; `drip` slowly; `garbage`
 * sends a chunk that is not JSON; `cut` drops the connection mid-answer; `hang` goes silent
 * (the adapter's idle timeout ends it); `refuse` answers 500 before any token.
 */
export type UpstreamBehaviour = 'ok' | 'drip' | 'garbage' | 'cut' | 'hang' | 'refuse';

/** The answer text of `tokens` tokens: what an `ok` or `drip` response must say, exactly. */
export function expectedText(tokens: number): string {
  return Array.from({ length: tokens }, (_, index) => `t${index} `).join('');
}

export function soakInput(behaviour: UpstreamBehaviour, tokens: number): string {
  return `soak:${behaviour}:${tokens}`;
}

export function startSoakUpstream(): Promise<FakeVllmServer> {
  return new FakeVllmServer({
    models: [{ id: SOAK_MODEL, maxModelLen: 32_768 }],
    handler: turnFor,
    keepRequests: 1_000,
  }).start();
}

function turnFor(request: RecordedRequest): FakeTurn {
  const messages = (request.body as { messages?: Array<{ role: string; content: unknown }> } | undefined)?.messages ?? [];
  const last = [...messages].reverse().find((message) => message.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  const [, behaviour = 'ok', count = '8'] = /soak:(\w+):(\d+)/.exec(text) ?? [];
  const tokens = Number(count);
  const answer = expectedText(tokens);
  switch (behaviour as UpstreamBehaviour) {
    case 'ok':
      return { parts: [{ type: 'text', text: answer, chunks: tokens }], timing: { chunkDelayMs: 5 } };
    case 'drip':
      return { parts: [{ type: 'text', text: answer, chunks: tokens }], timing: { chunkDelayMs: 120 } };
    case 'garbage':
      return { parts: [{ type: 'text', text: 'so far ' }, { type: 'raw', data: '{"choices": [{"delta": {"content": "bro' }], ending: 'end' };
    case 'cut':
      return { parts: [{ type: 'text', text: answer, chunks: tokens }], ending: 'cut', timing: { chunkDelayMs: 5 } };
    case 'hang':
      return { parts: [{ type: 'text', text: 'and then ' }], ending: 'hang' };
    case 'refuse':
      return { type: 'error', status: 500, message: 'the engine failed' };
  }
}
