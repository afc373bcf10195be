/**
 * 2,000 tokens from the fake vLLM server, read through VllmAgentModel and by a bare client
 * (fetch + eventsource-parser + JSON.parse of each chunk) in the same run. Prints the time per
 * token of each and their ratio: what the adapter adds per token. The fake server runs in the
 * same process, so both figures include its own cost of writing the stream.
 *
 *   pnpm exec vitest bench --run packages/vllm-adapter/bench
 */
import type { ModelRequest } from '@agentport/core';
import { createParser } from 'eventsource-parser';
import { expect, test } from 'vitest';
import { VllmAgentModel } from '../src/index.js';
import { FakeVllmServer } from '../src/testing/index.js';

const TOKENS = 2_000;
const REQUEST: ModelRequest = { messages: [{ role: 'user', content: 'Count to 2000.' }] };
const RUN = { iterations: 30, time: 0, warmupIterations: 5, warmupTime: 0 };
const PAIRS = 60;

async function streamThroughAdapter(model: VllmAgentModel): Promise<void> {
  let deltas = 0;
  for await (const event of model.stream(REQUEST)) {
    if (event.type === 'text-delta') deltas += 1;
    if (event.type === 'error') throw event.error;
  }
  if (deltas !== TOKENS) throw new Error(`expected ${TOKENS} deltas, got ${deltas}`);
}

async function streamBare(url: string): Promise<void> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ model: 'fake-model', messages: REQUEST.messages, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.body) throw new Error('no body');
  let deltas = 0;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') return;
      const chunk = JSON.parse(event.data) as { choices: Array<{ delta?: { content?: string } }> };
      if (chunk.choices[0]?.delta?.content) deltas += 1;
    },
  });
  for await (const text of response.body.pipeThrough(new TextDecoderStream())) parser.feed(text);
  if (deltas !== TOKENS) throw new Error(`expected ${TOKENS} deltas, got ${deltas}`);
}

test(`${TOKENS} tokens from the fake vLLM server: VllmAgentModel vs a bare SSE read`, async ({ bench }) => {
  const server = await new FakeVllmServer({ handler: () => ({ type: 'tokens', count: TOKENS }) }).start();
  const model = new VllmAgentModel({ baseUrl: server.url, model: 'fake-model' });
  try {
    // Vitest's table: each task run on its own.
    await bench.compare(
      bench('VllmAgentModel.stream()', () => streamThroughAdapter(model)),
      bench('bare fetch + eventsource-parser', () => streamBare(server.url)),
      RUN,
    );
    // The printed figures: the two interleaved, pair by pair, so both see the same machine load.
    const adapter: number[] = [];
    const bare: number[] = [];
    for (let pair = 0; pair < PAIRS; pair += 1) {
      const order = pair % 2 === 0 ? [adapter, bare] : [bare, adapter];
      for (const samples of order) {
        const started = performance.now();
        await (samples === adapter ? streamThroughAdapter(model) : streamBare(server.url));
        samples.push((performance.now() - started) / TOKENS);
      }
    }
    const ratios = adapter.map((time, index) => time / (bare[index] ?? time));
    const micro = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
    process.stdout.write(
      `\n${TOKENS} tokens per stream, ${PAIRS} interleaved pairs, medians:\n` +
        `  VllmAgentModel.stream():  ${micro(median(adapter))} per token\n` +
        `  bare fetch + SSE parse:   ${micro(median(bare))} per token\n` +
        `  ratio adapter / bare:     ${median(ratios).toFixed(2)} (median of per-pair ratios)\n`,
    );
    expect(adapter).toHaveLength(PAIRS);
  } finally {
    model.close();
    await server.close();
  }
});

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
