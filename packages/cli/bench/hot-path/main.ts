/**
 * The hot-path benchmark: the same load sent to the fake vLLM upstream directly, through a bare
 * pass-through proxy (the floor) and through agentport over SSE and WebSocket, with the store
 * off (`store: false`) and on (SQLite), and over Anthropic's Messages stream (`messages`), at 1, 16, 64 and 256 concurrent streams paced like a
 * GPU (50 tokens 10 ms apart) and at 16 streams at full speed. Upstream, bare proxy and
 * agentport each run in their own process; this one is the client. Per row: CPU time per
 * delivered token of each process (/proc), added time to first token p50/p99 against direct,
 * token rate against direct, errors and 429s. Loopback only.
 *
 *   npm run bench:hot-path [-- --quick] [--lift-limits] [--profile] [--pin] [--streams=1,64] [--sides=bare,sse-off] [--modes=paced] [--tokens=50] [--overload-lag-ms=100] [--probe-thread] [--trace-viewer] [--db=postgres] [--workers=2] [--warmup-seconds=10]
 *
 * `--workers=N`: agentport runs as `agentport serve --workers N` (the CLI's primary and N workers on one port; more than one needs
 * `--db=postgres`); its CPU is the whole process tree's.
 *
 * `--db=postgres`: the store-on sides use PostgreSQL (the server AGENTPORT_TEST_POSTGRES_URL names, or an
 * embedded one on 127.0.0.1) instead of SQLite.
 *
 * Writes `.bench-results/hot-path.json` and prints a markdown table.
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres, type TestPostgres } from '@agentport/store-postgres/testing';
import { startAgentportCluster } from './agentport-cluster.ts';
import { cpuBetween, readProcessTreeCpu } from './proc-cpu.ts';
import { startProcess as startScript, stopProcess } from './started-process.ts';
import { type SideKind, makeClient, type StreamOutcome } from './stream-clients.ts';
import { markdownReport, type Row, summarize } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
const API_KEY = 'sk-bench';
const ERROR_BACKOFF_MS = 100;

interface Side {
  name: 'direct' | 'bare' | 'sse-off' | 'ws-off' | 'sse-on' | 'ws-on' | 'messages';
  target: 'upstream' | 'bare' | 'agentport';
  client: SideKind;
  store: boolean;
}

const SIDES: readonly Side[] = [
  { name: 'direct', target: 'upstream', client: 'direct', store: false },
  { name: 'bare', target: 'bare', client: 'sse', store: false },
  { name: 'sse-off', target: 'agentport', client: 'sse', store: false },
  { name: 'ws-off', target: 'agentport', client: 'ws', store: false },
  { name: 'sse-on', target: 'agentport', client: 'sse', store: true },
  { name: 'ws-on', target: 'agentport', client: 'ws', store: true },
  // Anthropic's Messages stream over the same agent and model; stateless, so store off.
  { name: 'messages', target: 'agentport', client: 'messages', store: false },
];

interface Mode { name: 'paced' | 'full'; intervalMs: number; tokens: number; streams: number[] }

const args = new Map(process.argv.slice(2).map((arg) => {
  const [key, value] = arg.replace(/^--/, '').split('=');
  return [key ?? '', value ?? 'true'] as const;
}));
const quick = args.has('quick');
const rowSeconds = Number(args.get('row-seconds') ?? (quick ? 1 : 4));
const warmupStreams = quick ? 8 : 32;
/**
 * How long each side is warmed up before the rows (`--warmup-seconds`). A server runs for days,
 * so the rows measure it warm: agentport has far more code than the bare proxy for V8 to
 * optimize, and with a warm-up of a few turns its optimizing compiler was still busy in the rows
 * (about a tenth of its CPU in a 20 s row of 2-token answers), which a running gateway pays once.
 */
const warmupSeconds = Number(args.get('warmup-seconds') ?? (quick ? 1 : 10));
const pickStreams = args.get('streams')?.split(',').map(Number);
const pickSides = args.get('sides')?.split(',');
const pickModes = args.get('modes')?.split(',');
const workers = args.has('workers') ? Number(args.get('workers')) : undefined;
const MODES: Mode[] = [
  { name: 'paced', intervalMs: 10, tokens: Number(args.get('tokens') ?? 50), streams: [1, 16, 64, 256] },
  { name: 'full', intervalMs: 0, tokens: 200, streams: [16] },
];
/** `--lift-limits`: agentport without the per-key limits and with an upstream pool as large as the load, to compare costs apart from the defaults. */
const liftedLimits = args.has('lift-limits')
  ? { gateway: { maxConcurrentRuns: 4096, requestsPerMinute: 0 }, vllm: { maxConnections: 4096 } }
  : { gateway: {} };
/**
 * `--overload-lag-ms=N`: agentport's overloadEventLoopLagMs (0: admission by count only).
 * `--probe-thread`: agentport answers probes on its probe thread's port, which the rows probe.
 */
const overrides = {
  ...liftedLimits,
  gateway: {
    ...liftedLimits.gateway,
    ...(args.has('overload-lag-ms') ? { overloadEventLoopLagMs: Number(args.get('overload-lag-ms')) } : {}),
    ...(args.has('probe-thread') ? { probeThread: true, probePort: 0 } : {}),
    // `--trace-viewer`: every stored response also keeps its spans (what turning the viewer on costs).
    ...(args.has('trace-viewer') ? { traceViewer: true } : {}),
  },
};

/** `streams` clients, each streaming one turn after another for `rowSeconds`; starts spread over one stream's length. */
/** Starts one of this folder's processes; `cpu` pins it with taskset. */
function startProcess(script: string, scriptArgs: string[], cpu: string | undefined, execArgv: string[] = []) {
  return startScript(join(here, script), scriptArgs, cpu, execArgv);
}

async function runRow(side: Side, url: string, probeUrl: string, streams: number, mode: Mode, pids: Record<string, number>): Promise<Row> {
  const clients = Array.from({ length: streams }, () => makeClient(side.client, url, API_KEY));
  const outcomes: StreamOutcome[] = [];
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readProcessTreeCpu(pid)]));
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + rowSeconds * 1000;
  const probing = probeHealth(probeUrl, deadline);
  const spreadMs = Math.min(mode.intervalMs * mode.tokens, rowSeconds * 500);
  await Promise.all(clients.map(async (client, index) => {
    await new Promise((resolve) => setTimeout(resolve, (spreadMs * index) / streams));
    do {
      const outcome = await client.stream({ tokens: mode.tokens, store: side.store });
      outcomes.push(outcome);
      // A refused client waits before it asks again, as a real one would, instead of spinning on 429s.
      if (outcome.kind === 'error') await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
    } while (performance.now() < deadline);
  }));
  const wallMs = performance.now() - started;
  const clientCpu = process.cpuUsage(clientBefore);
  const probeMs = await probing;
  for (const client of clients) client.close();
  const cpuMs = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuBetween(before[name]!, readProcessTreeCpu(pid))]));
  return summarize({ mode: mode.name, streams, side: side.name, target: side.target, wallMs, outcomes, cpuMs, clientCpuMs: (clientCpu.user + clientCpu.system) / 1000, probeMs });
}

/** `GET /healthz` every 100 ms until `deadline` on its own connection, as a load balancer probes: how long each answer took. */
async function probeHealth(url: string, deadline: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = url.replace(/\/v1$/, '');
  const times: number[] = [];
  while (performance.now() < deadline) {
    const sent = performance.now();
    await new Promise<void>((resolve) => {
      http.get(`${base}/healthz`, { agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      }).on('error', () => resolve());
    });
    times.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  agent.destroy();
  return times;
}

async function runMode(mode: Mode, dbDir: string, rows: Row[]): Promise<void> {
  const pin = args.has('pin');
  const upstream = await startProcess('upstream-process.ts', [String(mode.intervalMs)], pin ? '0' : undefined);
  const profileDir = join(repoRoot, '.bench-results', 'profiles');
  if (args.has('profile')) mkdirSync(profileDir, { recursive: true });
  /** `--profile`: a CPU profile of the process, written when it stops. */
  const profiled = (name: string) => args.has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${mode.name}-${Date.now()}.cpuprofile`] : [];
  const bare = await startProcess('bare-proxy-process.ts', [upstream.url], pin ? '1' : undefined, profiled('bare'));
  const db = postgres ? await postgres.createDatabase() : join(dbDir, `${mode.name}.db`);
  const agentport = workers !== undefined
    ? await startAgentportCluster({ repoRoot, upstreamUrl: upstream.url, db, apiKey: API_KEY, workers, overrides })
    : await startProcess('agentport-process.ts', [upstream.url, db, API_KEY, JSON.stringify(overrides)],
      pin ? '1' : undefined, profiled('agentport'));
  const urls = { upstream: upstream.url, bare: bare.url, agentport: agentport.url };
  const pids = { upstream: upstream.child.pid!, bare: bare.child.pid!, agentport: agentport.child.pid! };
  try {
    const sides = SIDES.filter((side) => side.name === 'direct' || pickSides === undefined || pickSides.includes(side.name));
    for (const side of sides) {
      // Warm up the JIT and the connection pools of each side before any row, under a load like a
      // row's: many concurrent clients streaming turn after turn for `warmupSeconds`.
      const warmupEnds = performance.now() + warmupSeconds * 1000;
      await Promise.all(Array.from({ length: warmupStreams }, async () => {
        const client = makeClient(side.client, urls[side.target], API_KEY);
        do await client.stream({ tokens: mode.tokens, store: side.store });
        while (performance.now() < warmupEnds);
        client.close();
      }));
    }
    for (const streams of mode.streams.filter((count) => pickStreams === undefined || pickStreams.includes(count))) {
      for (const side of sides) {
        const probeUrl = side.target === 'agentport' ? agentport.probeUrl ?? urls.agentport : urls[side.target];
        const row = await runRow(side, urls[side.target], probeUrl, streams, mode, pids);
        rows.push(row);
        process.stderr.write(`${mode.name} ${streams} ${side.name}: ${row.completed} streams, ${row.errors} errors, ${row.targetCpuMicrosPerToken.toFixed(1)} µs/token, load ${loadavg()[0]!.toFixed(2)}\n`);
      }
    }
  } finally {
    await Promise.all([stopProcess(agentport), stopProcess(bare)]);
    await stopProcess(upstream);
  }
}

const dbDir = mkdtempSync(join(tmpdir(), 'agentport-hot-path-'));
const postgres: TestPostgres | undefined = args.get('db') === 'postgres' ? await startTestPostgres() : undefined;
const rows: Row[] = [];
const loadBefore = loadavg();
const startedAt = new Date().toISOString();
try {
  for (const mode of MODES.filter((each) => pickModes === undefined || pickModes.includes(each.name))) await runMode(mode, dbDir, rows);
} finally {
  rmSync(dbDir, { recursive: true, force: true });
  await postgres?.stop();
}
const result = {
  startedAt, quick, rowSeconds, warmupSeconds, liftLimits: args.has('lift-limits'), pinned: args.has('pin'), store: postgres ? 'postgres' : 'sqlite', workers: workers ?? 1,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  load: { before: loadBefore, after: loadavg() }, rows,
};
const out = join(repoRoot, '.bench-results', 'hot-path.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${markdownReport(result)}\n\nJSON: ${out}\n`);
