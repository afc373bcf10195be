/**
 * `npm run soak`: the gateway under load and faults for a bounded time (soak-run.ts), loopback only.
 *
 *   npm run soak [-- --seconds=600] [--turns=1000000] [--sse=24] [--ws=8] [--crash-every=60] [--sample-every=5] [--seed=1]
 *
 * `--crash-every=0`: no crashes. `SOAK_SERVE_<NAME>=value` is `<NAME>=value` for the serve processes
 * (`SOAK_SERVE_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2` to take heap snapshots of a running one);
 * `SOAK_STEADY_<NAME>=value` only for the steady one (e.g. `LD_PRELOAD` of a native memory profiler). Prints a progress line every 30 s and the report as JSON at the
 * end; writes it to `.soak-results/soak.json` too. Exits 1 when any check failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSoak } from './soak-run.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = new Map(process.argv.slice(2).map((arg) => {
  const [key, value] = arg.replace(/^--/, '').split('=');
  return [key ?? '', value ?? ''] as const;
}));

/** A whole number from `--name=N`, or the default; anything else stops here with a sentence. */
function count(name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} takes a whole number of 0 or more, not '${raw}'\n`);
    process.exit(2);
  }
  return value;
}

const crashEvery = count('crash-every', 60);
const report = await runSoak({
  repoRoot,
  seconds: count('seconds', 600),
  maxTurns: count('turns', 1_000_000),
  sseClients: count('sse', 24),
  wsClients: count('ws', 8),
  crashEverySeconds: crashEvery === 0 ? null : crashEvery,
  sampleEverySeconds: Math.max(1, count('sample-every', 5)),
  seed: count('seed', 1),
  log: (line) => process.stderr.write(`${line}\n`),
});
const out = join(repoRoot, '.soak-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
// The memory samples go to the file only: the printed report stays short.
const printed = { ...report, steady: { ...report.steady, memory: `${report.steady.memory.length} samples in .soak-results/soak.json` } };
process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
process.stdout.write(report.problems === 0 ? 'soak: every check passed\n' : `soak: ${report.problems} checks failed\n`);
process.exit(report.problems === 0 ? 0 : 1);
