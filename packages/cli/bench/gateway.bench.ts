/**
 * What the gateway adds over reading vLLM directly, against the fake vLLM server streaming at a
 * fixed pace (one token every TOKEN_INTERVAL_MS). In one run, for each store (memory, SQLite
 * on a temp file), interleaved pair by pair so machine load hits both sides alike:
 *  - time to first token: `POST /v1/responses` with `stream: true` up to the first
 *    `response.output_text.delta`, vs `POST /v1/chat/completions` on the fake server up to the
 *    first content delta; p50, p99 and the difference;
 *  - throughput at 1, 16 and 64 concurrent streams of TOKENS_PER_STREAM tokens: tokens per
 *    second of wall time, gateway / direct, and the process CPU time per token of each.
 * Both sides are read with the same `fetch` + SSE reader + `JSON.parse` of every event. The fake
 * server, the gateway and the client share this process, so both sides include the fake
 * server's and the client's cost, and the gateway side also the gateway's.
 *
 *   pnpm exec vitest bench --run packages/gateway/bench
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore, type StateStore, silentLogger } from '@agentport/core';
import { SqliteStateStore } from '@agentport/store-sqlite';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import { expect, test } from 'vitest';
import { Gateway } from '@agentport/gateway';

const MODEL = 'fake-model';
const TOKENS_PER_STREAM = 200;
const TOKEN_INTERVAL_MS = 1;
/** Time-to-first-token samples read shorter streams (same pace): the first token does not depend on the length. */
const TTFT_TOKENS_PER_STREAM = 20;
const TTFT_PAIRS = 150;
const WARMUP_PAIRS = 10;
/** Interleaved rounds (one batch each side) per concurrency. */
const THROUGHPUT_ROUNDS: ReadonlyArray<{ streams: number; rounds: number }> = [
  { streams: 1, rounds: 10 },
  { streams: 16, rounds: 8 },
  { streams: 64, rounds: 6 },
];
/** Bounds every stream, so a stuck one fails the run instead of hanging it. */
const STREAM_TIMEOUT_MS = 30_000;
const VITEST_TABLE_RUN = { iterations: 8, time: 0, warmupIterations: 2, warmupTime: 0 };

/** One way to ask for a stream of tokens, and how to read its SSE events. */
interface StreamSide {
  name: 'direct' | 'gateway';
  open: (tokens: number, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>;
  /** What an event's `data` is: a token, the end of the stream, or neither. Throws on a failure. */
  classify: (data: string) => 'token' | 'end' | 'other';
  /** Streams asked for so far. */
  opened: number;
}

interface StreamSample {
  ttftMs: number;
  tokens: number;
}

interface BatchSample {
  tokensPerSecond: number;
  cpuMicrosPerToken: number;
  ttfts: number[];
}

function directSide(fakeUrl: string): StreamSide {
  const side: StreamSide = {
    name: 'direct',
    opened: 0,
    open: (tokens, signal) => {
      side.opened += 1;
      return postJson(`${fakeUrl}/chat/completions`, {
        model: MODEL, messages: [{ role: 'user', content: 'Count.' }], stream: true,
        stream_options: { include_usage: true }, max_completion_tokens: tokens,
      }, signal);
    },
    classify: (data) => {
      if (data === '[DONE]') return 'end';
      const chunk = JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }>; error?: unknown };
      if (chunk.error !== undefined) throw new Error(`the fake server failed: ${data}`);
      return chunk.choices[0]?.delta?.content ? 'token' : 'other';
    },
  };
  return side;
}

function gatewaySide(gatewayUrl: string): StreamSide {
  const side: StreamSide = {
    name: 'gateway',
    opened: 0,
    open: (tokens, signal) => {
      side.opened += 1;
      return postJson(`${gatewayUrl}/v1/responses`, { model: MODEL, input: 'Count.', stream: true, max_output_tokens: tokens }, signal);
    },
    classify: (data) => {
      const event = JSON.parse(data) as { type: string };
      if (event.type === 'response.output_text.delta') return 'token';
      if (event.type === 'response.completed') return 'end';
      if (event.type === 'response.failed' || event.type === 'response.incomplete' || event.type === 'error') {
        throw new Error(`the gateway ended with ${data.slice(0, 500)}`);
      }
      return 'other';
    },
  };
  return side;
}

/** POSTs JSON and returns the event stream's body. */
async function postJson(url: string, body: unknown, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body), signal,
  });
  if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.body;
}

/** Reads an SSE body and hands every event's `data` to `onData`. */
async function readSseData(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:'));
      buffer = buffer.slice(end + 2);
      if (lines.length > 0) onData(lines.map((line) => line.slice(5).trimStart()).join('\n'));
    }
  }
}

/** One whole stream: the time to its first token, and its tokens (checked). */
async function streamOnce(side: StreamSide, tokens: number): Promise<StreamSample> {
  const signal = AbortSignal.timeout(STREAM_TIMEOUT_MS);
  const started = performance.now();
  const body = await side.open(tokens, signal);
  let ttftMs = -1;
  let count = 0;
  let ended = false;
  await readSseData(body, (data) => {
    const kind = side.classify(data);
    if (kind === 'token') {
      if (count === 0) ttftMs = performance.now() - started;
      count += 1;
    } else if (kind === 'end') ended = true;
  });
  if (!ended || count !== tokens) throw new Error(`${side.name}: ${count} of ${tokens} tokens, ended: ${ended}`);
  return { ttftMs, tokens: count };
}

/** `streams` concurrent streams; tokens per second of wall time and process CPU per token. */
async function streamBatch(side: StreamSide, streams: number, tokens: number): Promise<BatchSample> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const samples = await Promise.all(Array.from({ length: streams }, () => streamOnce(side, tokens)));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const total = streams * tokens;
  return {
    tokensPerSecond: total / (wallMs / 1000),
    cpuMicrosPerToken: (cpu.user + cpu.system) / total,
    ttfts: samples.map((sample) => sample.ttftMs),
  };
}

/** Runs `measure` for both sides `pairs` times, alternating which goes first. */
async function interleaved<T>(pairs: number, sides: readonly [StreamSide, StreamSide], measure: (side: StreamSide) => Promise<T>): Promise<[T[], T[]]> {
  const results: [T[], T[]] = [[], []];
  for (let pair = 0; pair < pairs; pair += 1) {
    const order = pair % 2 === 0 ? [0, 1] as const : [1, 0] as const;
    for (const index of order) results[index].push(await measure(sides[index]));
  }
  return results;
}

interface StoreFigures {
  store: string;
  /** Upstream calls the adapter made beyond one per gateway stream: its retries of failures before the first token. */
  upstreamRetries: number;
  ttft: { direct: number[]; gateway: number[] };
  throughput: Array<{ streams: number; direct: BatchSample[]; gateway: BatchSample[] }>;
}

async function measureStore(store: string, stateStore: StateStore, fake: FakeVllmServer): Promise<StoreFigures> {
  // The adapter's defaults, retries included, as deployed; the retries are counted and printed.
  const model = new VllmAgentModel({ baseUrl: fake.url, model: MODEL });
  const callsBefore = adapterCalls(fake);
  const maxStreams = Math.max(...THROUGHPUT_ROUNDS.map((round) => round.streams));
  const gateway = await Gateway.create({
    store: stateStore, model, logger: silentLogger,
    // Open, unthrottled, and room for every concurrent stream: the limits are not what is measured.
    config: { port: 0, requestsPerMinute: 0, maxConcurrentRuns: maxStreams },
  });
  await gateway.listen();
  const sides = [directSide(fake.url), gatewaySide(gateway.url)] as const;
  try {
    await interleaved(WARMUP_PAIRS, sides, (side) => streamOnce(side, TTFT_TOKENS_PER_STREAM));
    const [directTtft, gatewayTtft] = await interleaved(TTFT_PAIRS, sides, (side) => streamOnce(side, TTFT_TOKENS_PER_STREAM));
    const throughput: StoreFigures['throughput'] = [];
    for (const { streams, rounds } of THROUGHPUT_ROUNDS) {
      const [direct, through] = await interleaved(rounds, sides, (side) => streamBatch(side, streams, TOKENS_PER_STREAM));
      throughput.push({ streams, direct, gateway: through });
    }
    return {
      store,
      upstreamRetries: adapterCalls(fake) - callsBefore - sides[1].opened,
      ttft: { direct: directTtft.map((sample) => sample.ttftMs), gateway: gatewayTtft.map((sample) => sample.ttftMs) },
      throughput,
    };
  } finally {
    await gateway.close(0);
    model.close();
  }
}

test('the gateway vs the fake vLLM server read directly: time to first token and throughput', { timeout: 600_000 }, async ({ bench }) => {
  const fake = await new FakeVllmServer({
    handler: (request: RecordedRequest) => ({ type: 'tokens', count: requestedTokens(request), intervalMs: TOKEN_INTERVAL_MS }),
  }).start();
  const dir = await mkdtemp(join(tmpdir(), 'agentport-gateway-bench-'));
  const sqlite = await SqliteStateStore.open({ path: join(dir, 'agentport.db'), purgeIntervalSeconds: 0 });
  const memory = new MemoryStateStore();
  try {
    // Vitest's table: one whole stream through the gateway (SQLite) and directly, each run on its own.
    const model = new VllmAgentModel({ baseUrl: fake.url, model: MODEL });
    const gateway = await Gateway.create({ store: sqlite, model, logger: silentLogger, config: { port: 0, requestsPerMinute: 0 } });
    await gateway.listen();
    try {
      const direct = directSide(fake.url);
      const through = gatewaySide(gateway.url);
      await bench.compare(
        bench(`${TOKENS_PER_STREAM} tokens directly from the fake vLLM server`, () => streamOnce(direct, TOKENS_PER_STREAM)),
        bench(`${TOKENS_PER_STREAM} tokens through the gateway (SQLite)`, () => streamOnce(through, TOKENS_PER_STREAM)),
        VITEST_TABLE_RUN,
      );
    } finally {
      await gateway.close(0);
      model.close();
    }

    // The printed figures.
    const figures = [await measureStore('memory', memory, fake), await measureStore('SQLite', sqlite, fake)];
    process.stdout.write(report(figures));
    for (const { ttft, throughput } of figures) {
      expect(ttft.gateway).toHaveLength(TTFT_PAIRS);
      expect(throughput.map((row) => row.gateway.length)).toEqual(THROUGHPUT_ROUNDS.map((round) => round.rounds));
    }
  } finally {
    await sqlite.close();
    await memory.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** Chat requests the fake server got from VllmAgentModel (the direct side is `fetch`). */
function adapterCalls(fake: FakeVllmServer): number {
  return fake.chatRequests.filter((request) => request.headers['user-agent'] === 'agentport-vllm-adapter').length;
}

/** The fake server plays as many tokens as the request allows, so one server serves both stream lengths. */
function requestedTokens(request: RecordedRequest): number {
  const asked = (request.body as { max_completion_tokens?: unknown } | undefined)?.max_completion_tokens;
  return typeof asked === 'number' && asked > 0 ? Math.min(asked, TOKENS_PER_STREAM) : TOKENS_PER_STREAM;
}

function report(figures: StoreFigures[]): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const added = (value: number) => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
  const lines = [
    '',
    `Fake vLLM server: ${TOKENS_PER_STREAM} tokens per stream (${TTFT_TOKENS_PER_STREAM} for time to first token), one every ${TOKEN_INTERVAL_MS} ms.`,
    `Time to first token, ${TTFT_PAIRS} interleaved pairs, one stream at a time:`,
    '',
    '| store | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { store, ttft } of figures) {
    const [d50, g50, d99, g99] = [percentile(ttft.direct, 50), percentile(ttft.gateway, 50), percentile(ttft.direct, 99), percentile(ttft.gateway, 99)];
    lines.push(`| ${store} | ${ms(d50)} | ${ms(g50)} | ${added(g50 - d50)} | ${ms(d99)} | ${ms(g99)} | ${added(g99 - d99)} |`);
  }
  lines.push(
    '',
    'Throughput, tokens per second of wall time (medians of interleaved rounds; ratio = median of per-round gateway / direct),',
    'process CPU per token (fake server + client, + gateway on the gateway side), and time to first token p50 within the batch:',
    '',
    '| store | streams | rounds | direct tok/s | gateway tok/s | ratio | direct CPU/token | gateway CPU/token | direct TTFT p50 | gateway TTFT p50 |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const { store, throughput } of figures) {
    for (const { streams, direct, gateway } of throughput) {
      const ratios = gateway.map((sample, index) => sample.tokensPerSecond / (direct[index]?.tokensPerSecond ?? Number.NaN));
      const rate = (samples: BatchSample[]) => Math.round(percentile(samples.map((sample) => sample.tokensPerSecond), 50)).toLocaleString('en');
      const cpu = (samples: BatchSample[]) => `${percentile(samples.map((sample) => sample.cpuMicrosPerToken), 50).toFixed(1)} µs`;
      const ttft = (samples: BatchSample[]) => ms(percentile(samples.flatMap((sample) => sample.ttfts), 50));
      lines.push(`| ${store} | ${streams} | ${direct.length} | ${rate(direct)} | ${rate(gateway)} | ${percentile(ratios, 50).toFixed(2)} | ${cpu(direct)} | ${cpu(gateway)} | ${ttft(direct)} | ${ttft(gateway)} |`);
    }
  }
  lines.push('', `Upstream retries by the adapter (failures before the first token): ${figures.map((f) => `${f.store} ${f.upstreamRetries}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

/** Nearest-rank percentile. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
