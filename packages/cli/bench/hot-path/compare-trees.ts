/**
 * Two agentport builds side by side, at the same time: this checkout's and another's (a git
 * worktree at the commit to compare with, built), each in its own process, with the bare proxy
 * beside them, all fed by one paced fake upstream. Every round sends the same number of SSE
 * streams to the three at once, so the machine's noise (other tenants, the CPU's clock) falls on
 * all of them alike; sequential rows on this 2-core machine move ±15–30 % between runs, which
 * hides changes of a few per cent. Per round: CPU µs per delivered token of each process (/proc)
 * and each build's ratio to the bare proxy and to the other build. Loopback only.
 *
 *   node packages/cli/bench/hot-path/compare-trees.ts --other=../bench-before [--streams=32] [--seconds=20] [--rounds=3] [--tokens=50] [--pace-ms=10] [--store]
 *
 * `--pace-ms`: the upstream's time between tokens (0: as fast as each reader takes them, the hot-path rows' full speed).
 * `--store`: the builds store each response in their SQLite file (`store: true`); otherwise `store: false`.
 * The other checkout must be built (`pnpm install && pnpm run build`); its own benchmark files start its agentport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBetween, readProcessTreeCpu } from './proc-cpu.ts';
import { type Started, startProcess as start, stopProcess } from './started-process.ts';
import { makeClient, type StreamOutcome } from './stream-clients.ts';

const here = dirname(fileURLToPath(import.meta.url));
const API_KEY = 'sk-bench';
const args = new Map(process.argv.slice(2).map((arg) => {
  const [key, value] = arg.replace(/^--/, '').split('=');
  return [key ?? '', value ?? 'true'] as const;
}));
const other = args.get('other');
if (!other) throw new Error('--other=<path of the other checkout, built> is required');
const otherBench = join(resolve(other), 'packages', 'cli', 'bench', 'hot-path');
const streams = Number(args.get('streams') ?? 32);
const seconds = Number(args.get('seconds') ?? 20);
const rounds = Number(args.get('rounds') ?? 3);
const tokens = Number(args.get('tokens') ?? 50);
const PACE_MS = Number(args.get('pace-ms') ?? 10);
const store = args.has('store');
const overrides = JSON.stringify({ gateway: { maxConcurrentRuns: 4096, requestsPerMinute: 0 }, vllm: { maxConnections: 4096 } });

interface Target { name: string; started: Started }

/** `streams` clients per target streaming turn after turn until the deadline, all targets at once. */
async function load(targets: Target[], durationMs: number): Promise<Map<string, StreamOutcome[]>> {
  const deadline = performance.now() + durationMs;
  const outcomes = new Map(targets.map((target) => [target.name, [] as StreamOutcome[]]));
  await Promise.all(targets.flatMap((target) => Array.from({ length: streams }, async (_, index) => {
    const client = makeClient('sse', target.started.url, API_KEY);
    // Starts spread over one stream's length, as the hot-path rows spread them.
    await new Promise((wait) => setTimeout(wait, (PACE_MS * tokens * index) / streams));
    do outcomes.get(target.name)!.push(await client.stream({ tokens, store }));
    while (performance.now() < deadline);
    client.close();
  })));
  return outcomes;
}

const dbDir = mkdtempSync(join(tmpdir(), 'agentport-compare-'));
const upstream = await start(join(here, 'upstream-process.ts'), [String(PACE_MS)]);
const targets: Target[] = [
  { name: 'bare', started: await start(join(here, 'bare-proxy-process.ts'), [upstream.url]) },
  { name: 'this', started: await start(join(here, 'agentport-process.ts'), [upstream.url, join(dbDir, 'this.db'), API_KEY, overrides]) },
  { name: 'other', started: await start(join(otherBench, 'agentport-process.ts'), [upstream.url, join(dbDir, 'other.db'), API_KEY, overrides]) },
];
try {
  // Warm, as a running gateway is: V8 optimizes agentport's code for several seconds under load.
  await load(targets, 10_000);
  process.stdout.write(`compare-trees: ${streams} streams to each at once, ${tokens} tokens ${PACE_MS === 0 ? 'at full speed' : `${PACE_MS} ms apart`}, store ${store ? 'on' : 'off'}, ${seconds} s rounds; other = ${resolve(other)}\n\n`);
  process.stdout.write('| round | bare µs/token | this µs/token (÷ bare) | other µs/token (÷ bare) | this ÷ other | errors |\n|---|---|---|---|---|---|\n');
  for (let round = 1; round <= rounds; round += 1) {
    const before = new Map(targets.map((target) => [target.name, readProcessTreeCpu(target.started.child.pid!)]));
    const outcomes = await load(targets, seconds * 1000);
    const perToken = new Map(targets.map((target) => {
      const done = outcomes.get(target.name)!;
      const delivered = done.reduce((sum, outcome) => sum + (outcome.kind === 'ok' ? outcome.tokens : 0), 0);
      const cpu = cpuBetween(before.get(target.name)!, readProcessTreeCpu(target.started.child.pid!));
      return [target.name, (cpu.ms * 1000) / delivered] as const;
    }));
    const errors = [...outcomes.values()].flat().filter((outcome) => outcome.kind === 'error').length;
    const [bare, mine, theirs] = [perToken.get('bare')!, perToken.get('this')!, perToken.get('other')!];
    process.stdout.write(`| ${round} | ${bare.toFixed(1)} | ${mine.toFixed(1)} (${(mine / bare).toFixed(2)}×) | ${theirs.toFixed(1)} (${(theirs / bare).toFixed(2)}×) | ${(mine / theirs).toFixed(3)} | ${errors} |\n`);
  }
} finally {
  await Promise.all(targets.map((target) => stopProcess(target.started)));
  await stopProcess(upstream);
  rmSync(dbDir, { recursive: true, force: true });
}
