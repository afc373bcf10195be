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
  -h, --help       this text

After "--", the rest starts "vllm serve <args>" (vLLM must be installed), waits until it
answers, and stops it on exit. Every setting also has an env var: AGENTPORT_<PLUGIN>__<KEY>.`;

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
  return {
    ...(values.upstream === undefined ? {} : { upstream: values.upstream }),
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(port === undefined ? {} : { port }),
    ...(values.db === undefined ? {} : { db: values.db }),
    ...(values.config === undefined ? {} : { config: values.config }),
    apiKeys: values['api-key'] ?? [],
    vllmArgs,
    help: values.help ?? false,
  };
}
