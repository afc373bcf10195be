import { parseArgs } from 'node:util';
import { UsageError } from './serve-options.js';

/** `agentport demo` flags. */
export interface DemoOptions {
  /** Listen port on 127.0.0.1; the gateway's default (8080) when absent. */
  port?: number;
  help: boolean;
}

export const DEMO_USAGE = `Usage: agentport demo [--port PORT]

Serves the OpenAI Responses API on a built-in DEMO model, "agentport-demo": a scripted model,
not an LLM (no GPU, no vLLM). The built-in tools (shell, read_file, list_directory,
code_interpreter) are on, confined to a new temp folder that is removed on exit; http_get is off.
A new API key is made for each run; the banner prints it with a curl and an openai SDK command.

Options:
  --port PORT      listen port on 127.0.0.1 (default 8080; 0 takes a free one)
  -h, --help       this text`;

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (values.port.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be a port number (got "${values.port}")`);
    }
  }
  return { ...(port === undefined ? {} : { port }), help: values.help ?? false };
}
