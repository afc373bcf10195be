/**
 * The fake vLLM upstream of the hot-path benchmark, in its own process: every chat request
 * streams `max_completion_tokens` content tokens, `intervalMs` apart (0: as fast as the reader
 * takes them). Sends `{ url }` to the parent once it listens.
 *
 *   node upstream-process.ts <intervalMs>
 */
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';

const intervalMs = Number(process.argv[2] ?? '10');
const server = await new FakeVllmServer({
  handler: (request) => {
    // The server keeps every request it saw; a benchmark sends tens of thousands.
    server.requests.length = 0;
    const body = request.body as { max_completion_tokens?: number; max_tokens?: number };
    return { type: 'tokens', count: body.max_completion_tokens ?? body.max_tokens ?? 50, intervalMs };
  },
}).start();
process.send?.({ url: server.url });
process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
