import { parseArgs } from 'node:util';
import { AgentportError, errorMarker } from '@agentport/core';

/** `agentport serve` flags; each maps onto a config override, the highest-precedence source. */
export interface ServeOptions {
  upstream?: string;
  model?: string;
  host?: string;
  port?: number;
  db?: string;
  config?: string;
  apiKeys: string[];
  /** Gateway processes sharing the port (node:cluster); 1: this process serves. */
  workers: number;
  /** Arguments after `--`: start `vllm serve` with them. */
  vllmArgs: string[];
  help: boolean;
}

export const SERVE_USAGE = `Usage: agentport serve [options] [-- <vllm serve args>]

Serves the OpenAI Responses API on your vLLM server.

Options:
  --upstream URL   vLLM's OpenAI root (default: $VLLM_URL or http://127.0.0.1:8000/v1)
  --model NAME     served model name (default: the first one the upstream lists)
  --host HOST      listen address (default 127.0.0.1)
  --port PORT      listen port (default 8080)
  --db PATH|URL    SQLite file (default ./data/agentport.db; ":memory:" keeps nothing),
                   or postgres://user:password@host:5432/database (default: $AGENTPORT_STORE__URL)
  --config FILE    JSON config file ({"gateway": {...}, "vllm": {...}, "store": {...}})
  --api-key KEY    accept this key (KEY or KEY:TENANT); repeat for more; none = open
  --workers N      N gateway processes on one port (default 1; more need a postgres:// --db)
  -h, --help       this text

After "--", the rest starts "vllm serve <args>" (vLLM must be installed), waits until it
answers, and stops it on exit. Every setting also has an env var: AGENTPORT_<PLUGIN>__<KEY>.`;

/** More gateway processes than this on one machine is a typo, not a plan. */
const MAX_WORKERS = 256;

/** The command line does not parse; the CLI prints it with the usage text and exits 2. */
export class UsageError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/cli/UsageError');

  constructor(message: string) {
    super('usage', message);
  }
}

export function parseServeOptions(argv: readonly string[]): ServeOptions {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const vllmArgs = separator === -1 ? [] : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: false,
      options: {
        upstream: { type: 'string' },
        model: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        config: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${values.port}")`);
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS} (got "${values.workers}")`);
  }
  return {
    ...(values.upstream === undefined ? {} : { upstream: values.upstream }),
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(port === undefined ? {} : { port }),
    ...(values.db === undefined ? {} : { db: values.db }),
    ...(values.config === undefined ? {} : { config: values.config }),
    apiKeys: values['api-key'] ?? [],
    workers,
    vllmArgs,
    help: values.help ?? false,
  };
}
