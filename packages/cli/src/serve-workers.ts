import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@agentport/core';
import { parseServeOptions, UsageError } from './serve-options.js';
import { chooseStore } from './store-choice.js';

/** A worker that dies this soon after starting is not restarted again and again: the primary gives up. */
const CRASH_LOOP_MS = 5_000;

/**
 * `agentport serve --workers N` in the primary process: checks the store can be shared, forks N
 * workers that each run `agentport serve` on the same port (node:cluster hands them the one
 * listening socket), restarts a worker that dies unexpectedly, and on SIGTERM/SIGINT stops them
 * all and exits once they have finished their running responses. A SQLite file belongs to one
 * process, so more than one worker needs PostgreSQL.
 */
export async function serveWorkers(argv: readonly string[], env: NodeJS.ProcessEnv, logger: Logger): Promise<number> {
  const options = parseServeOptions(argv);
  if (chooseStore(options.db, env).kind !== 'postgres') {
    throw new UsageError(`--workers ${options.workers} needs a store several processes share: give --db postgres://user:password@host:5432/database `
      + '(or AGENTPORT_STORE__URL). A SQLite file is one process\'s: run one worker per file, or use PostgreSQL.');
  }
  cluster.setupPrimary({ args: ['serve', ...argv] });
  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };
  return new Promise<number>((resolve) => {
    let exitCode = 0;
    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (startedAt.size === 0) resolve(exitCode);
        return;
      }
      logger.error({ pid: worker.process.pid, code, signal }, 'a gateway worker died');
      if (lived < CRASH_LOOP_MS) {
        // It could not even start (bad config, database down): the others will fail the same way.
        logger.error('the worker died right after starting; stopping the others');
        exitCode = 1;
        stop('crash');
        return;
      }
      fork();
    });
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason, workers: startedAt.size }, 'stopping the gateway workers');
      if (startedAt.size === 0) resolve(exitCode);
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    for (let n = 0; n < options.workers; n += 1) fork();
    logger.info({ workers: options.workers }, `started ${options.workers} gateway workers on one port`);
  });
}
