import type { StreamOutcome } from './stream-clients.ts';

/** One row of the benchmark: one side at one load. */
export interface Row {
  mode: 'paced' | 'full';
  streams: number;
  side: string;
  target: 'upstream' | 'bare' | 'agentport';
  wallMs: number;
  completed: number;
  tokens: number;
  errors: number;
  rejected429: number;
  firstError?: string;
  ttftP50Ms: number;
  ttftP99Ms: number;
  /** Median over streams of each one's tokens per second after its first token. */
  streamTokensPerSecond: number;
  tokensPerSecond: number;
  /** CPU ms of each process over the row (`ms` from the per-thread ns counters, `statMs` from /proc/<pid>/stat). */
  cpuMs: Record<string, { ms: number; statMs: number }>;
  clientCpuMs: number;
  /** CPU µs per delivered token of the process that served this side. */
  targetCpuMicrosPerToken: number;
  upstreamCpuMicrosPerToken: number;
  /** `GET /healthz` every 100 ms during the row, answered in (ms): what a load balancer's probe sees. */
  probeP50Ms: number;
  probeP99Ms: number;
}

export function summarize(input: {
  mode: Row['mode']; streams: number; side: string; target: Row['target']; wallMs: number;
  outcomes: StreamOutcome[]; cpuMs: Row['cpuMs']; clientCpuMs: number; probeMs: number[];
}): Row {
  const probes = [...input.probeMs].sort((a, b) => a - b);
  const ok = input.outcomes.filter((outcome) => outcome.kind === 'ok');
  const failed = input.outcomes.filter((outcome) => outcome.kind === 'error');
  const tokens = ok.reduce((sum, outcome) => sum + outcome.tokens, 0);
  const ttfts = ok.map((outcome) => outcome.ttftMs).sort((a, b) => a - b);
  const rates = ok.map((outcome) => outcome.tokensPerSecond).filter((rate) => !Number.isNaN(rate)).sort((a, b) => a - b);
  const perToken = (ms: number | undefined): number => (tokens === 0 || ms === undefined ? Number.NaN : (ms * 1000) / tokens);
  return {
    mode: input.mode, streams: input.streams, side: input.side, target: input.target, wallMs: input.wallMs,
    completed: ok.length, tokens, errors: failed.length, rejected429: failed.filter((outcome) => outcome.status === 429).length,
    ...(failed[0] ? { firstError: `${failed[0].status} ${failed[0].message}` } : {}),
    ttftP50Ms: quantile(ttfts, 0.5), ttftP99Ms: quantile(ttfts, 0.99),
    streamTokensPerSecond: quantile(rates, 0.5), tokensPerSecond: (tokens * 1000) / input.wallMs,
    cpuMs: input.cpuMs, clientCpuMs: input.clientCpuMs,
    targetCpuMicrosPerToken: perToken(input.cpuMs[input.target]?.ms),
    upstreamCpuMicrosPerToken: perToken(input.cpuMs.upstream?.ms),
    probeP50Ms: quantile(probes, 0.5), probeP99Ms: quantile(probes, 0.99),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export function markdownReport(result: {
  startedAt: string; load: { before: number[]; after: number[] }; rows: Row[]; liftLimits: boolean; quick: boolean; warmupSeconds: number; store: string; workers: number;
}): string {
  const lines = [
    `hot-path benchmark, ${result.startedAt}, store ${result.store}, ${result.workers} worker${result.workers === 1 ? '' : 's'}, load average ${result.load.before.map((l) => l.toFixed(2)).join(' ')} → ${result.load.after.map((l) => l.toFixed(2)).join(' ')}, warm-up ${result.warmupSeconds} s per side${result.quick ? ', --quick' : ''}${result.liftLimits ? ', --lift-limits' : ', shipped defaults'}`,
    '',
    '| mode | streams | side | streams done | errors (429) | CPU µs/token (its process) | ÷ bare | upstream µs/token | TTFT p50 / p99 ms | added p50 / p99 ms | token rate ÷ direct | /healthz p50 / p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of result.rows) {
    const peers = result.rows.filter((other) => other.mode === row.mode && other.streams === row.streams);
    const direct = peers.find((other) => other.side === 'direct');
    const bare = peers.find((other) => other.side === 'bare');
    const isDirect = row.side === 'direct';
    lines.push(`| ${row.mode} | ${row.streams} | ${row.side} | ${row.completed} | ${row.errors} (${row.rejected429}) | ${fixed(row.targetCpuMicrosPerToken)} | ${isDirect || !bare ? '' : `${fixed(row.targetCpuMicrosPerToken / bare.targetCpuMicrosPerToken, 2)}×`} | ${fixed(row.upstreamCpuMicrosPerToken)} | ${fixed(row.ttftP50Ms)} / ${fixed(row.ttftP99Ms)} | ${isDirect || !direct ? '' : `${fixed(row.ttftP50Ms - direct.ttftP50Ms)} / ${fixed(row.ttftP99Ms - direct.ttftP99Ms)}`} | ${isDirect || !direct ? '' : fixed(row.streamTokensPerSecond / direct.streamTokensPerSecond, 2)} | ${fixed(row.probeP50Ms)} / ${fixed(row.probeP99Ms)} |`);
  }
  const errors = result.rows.filter((row) => row.firstError);
  if (errors.length > 0) lines.push('', 'First error per row:', ...errors.map((row) => `- ${row.mode} ${row.streams} ${row.side}: ${row.firstError}`));
  return lines.join('\n');
}
