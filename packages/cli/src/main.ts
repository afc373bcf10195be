#!/usr/bin/env node
// The `agentport` command.
import cluster from 'node:cluster';
import { AgentportError, ConfigError, createLogger, LOG_LEVELS, type LogLevel, MissingPortError } from '@agentport/core';
import { cliLogDestination } from './cli-log-destination.js';
import { demo } from './demo-command.js';
import { DEMO_USAGE } from './demo-options.js';
import { serve } from './serve-command.js';
import { parseServeOptions, SERVE_USAGE, UsageError } from './serve-options.js';
import { serveWorkers } from './serve-workers.js';

const [command, ...args] = process.argv.slice(2);
const USAGE = `${SERVE_USAGE}\n\n${DEMO_USAGE}`;
/** The usage text a bad command line is answered with. */
const commandUsage = command === 'demo' ? DEMO_USAGE : command === 'serve' ? SERVE_USAGE : USAGE;

async function main(): Promise<number> {
  if (command !== 'serve' && command !== 'demo') {
    process.stderr.write(`${command === undefined || command === '--help' || command === '-h' ? '' : `unknown command "${command}"\n\n`}${USAGE}\n`);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  if (command === 'serve' && cluster.isPrimary && parseServeOptions(args).workers > 1) {
    const destination = cliLogDestination();
    // The workers check the config; the primary only needs its level for its own few lines.
    const level = LOG_LEVELS.find((name: LogLevel) => name === process.env.AGENTPORT_LOG__LEVEL);
    return serveWorkers(args, process.env, createLogger({ ...(destination ? { destination } : {}), ...(level ? { level } : {}) }));
  }
  const handle = command === 'demo' ? await demo(args) : await serve(args);
  if (!handle) return 0;
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      handle.logger.info({ signal }, 'finishing running responses, then stopping');
      void handle.stop().then(() => {
        handle.logger.info('stopped');
        resolve();
      }, resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (UsageError.is(error)) process.stderr.write(`${error.message}\n\n${commandUsage}\n`);
    else if (ConfigError.is(error) || MissingPortError.is(error)) process.stderr.write(`${error.message}\n`);
    // A typed error says what is wrong and what to change; a stack adds nothing for the operator.
    else if (AgentportError.is(error)) process.stderr.write(`agentport: ${error.message} (${error.code})\n`);
    else process.stderr.write(`agentport: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = UsageError.is(error) ? 2 : 1;
  },
).finally(() => {
  // A worker's channel to the primary would keep it alive after serving has ended.
  if (cluster.isWorker) cluster.worker?.disconnect();
});
