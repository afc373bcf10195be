/**
 * The code interpreter's costs: a trivial call on a warm worker (p50, p99), the first call of a
 * new container (served by the warm pool), a worker's cold start from the startup snapshot
 * and without it, making the snapshot, and the memory (RSS) of one worker.
 *
 *   pnpm exec vitest bench --run packages/tools-builtin/bench
 */
import { newId } from '@agentport/core';
import { expect, test, vi } from 'vitest';
import { CodeInterpreter, type ContainerRef, type SandboxWorker } from '../src/index.js';

const TENANT = 'bench';
const WARM_RUN = { iterations: 300, time: 0, warmupIterations: 20, warmupTime: 0 };
const NEW_CONTAINER_SAMPLES = 10;
const SNAPSHOT_START_SAMPLES = 6;
const FULL_START_SAMPLES = 3;

const newContainer = (): ContainerRef => ({ kind: 'auto', id: newId('container') });
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function trivialCall(interpreter: CodeInterpreter, container: ContainerRef): Promise<void> {
  const report = await interpreter.run({ tenant: TENANT, container, code: '1 + 1' });
  if (report.logs !== '2') throw new Error(`unexpected logs: ${report.logs}`);
}

/** Cold start (spawn to ready) and idle RSS of freshly started workers, one after another. */
async function coldStarts(interpreter: CodeInterpreter, samples: number): Promise<{ startMs: number[]; rss: number[] }> {
  const startMs: number[] = [];
  const rss: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const worker: SandboxWorker = interpreter.spawnWorker();
    try {
      startMs.push((await worker.ready).startMs);
      rss.push((await worker.residentBytes()) ?? Number.NaN);
    } finally {
      worker.kill('ended');
    }
  }
  return { startMs, rss };
}

test('code interpreter: warm call, new container, cold start, memory per worker', async ({ bench }) => {
  const madeAt = performance.now();
  const snapshotOnly = new CodeInterpreter({ poolSize: 0 });
  await snapshotOnly.start();
  const snapshotMs = performance.now() - madeAt;
  await snapshotOnly.close();

  const interpreter = new CodeInterpreter({ poolSize: 2, maxContainers: 4 });
  const full = new CodeInterpreter({ poolSize: 0, startupSnapshot: false });
  try {
    await interpreter.start();
    const container = newContainer();
    await trivialCall(interpreter, container);
    const warm = await bench('trivial call (1 + 1) on a warm worker', () => trivialCall(interpreter, container)).run(WARM_RUN);

    const firstCalls: number[] = [];
    for (let sample = 0; sample < NEW_CONTAINER_SAMPLES; sample += 1) {
      await vi.waitFor(() => expect(interpreter.stats.warmWorkers).toBe(2), { timeout: 30_000, interval: 20 });
      const started = performance.now();
      await trivialCall(interpreter, newContainer());
      firstCalls.push(performance.now() - started);
    }

    const fromSnapshot = await coldStarts(interpreter, SNAPSHOT_START_SAMPLES);
    const fullStarts = await coldStarts(full, FULL_START_SAMPLES);
    const worker = interpreter.spawnWorker();
    await worker.ready;
    const afterCall = { before: (await worker.residentBytes()) ?? Number.NaN, after: Number.NaN };
    await worker.run('sum(range(1000))', { timeoutMs: 10_000, interruptGraceMs: 1_000, maxOutputChars: 1_000 });
    afterCall.after = (await worker.residentBytes()) ?? Number.NaN;
    worker.kill('ended');

    process.stdout.write(
      '\ncode interpreter (Pyodide 314 in sandboxed child processes):\n'
        + `  trivial call on a warm worker:     p50 ${ms(warm.latency.p50)}, p99 ${ms(warm.latency.p99)} (${warm.latency.samplesCount} calls)\n`
        + `  first call of a new container:     median ${ms(median(firstCalls))}, max ${ms(Math.max(...firstCalls))} (worker from the warm pool, ${firstCalls.length} containers)\n`
        + `  cold start from the snapshot:      median ${ms(median(fromSnapshot.startMs))} (spawn to ready, ${fromSnapshot.startMs.length} workers)\n`
        + `  cold start without the snapshot:   median ${ms(median(fullStarts.startMs))} (${fullStarts.startMs.length} workers)\n`
        + `  making the startup snapshot:       ${ms(snapshotMs)} (once, at start)\n`
        + `  RSS of an idle worker:             ${mb(median(fromSnapshot.rss))} from the snapshot, ${mb(median(fullStarts.rss))} without\n`
        + `  RSS after a first call:            ${mb(afterCall.after)} (was ${mb(afterCall.before)})\n`,
    );
    expect(warm.latency.samplesCount).toBeGreaterThan(0);
  } finally {
    await interpreter.close();
    await full.close();
  }
}, 600_000);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
