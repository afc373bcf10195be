import { randomBytes } from 'node:crypto';
import { createApp } from '@agentport/core';
import { GATEWAY_HANDLE, gateway } from '@agentport/gateway';
import { sqliteStore } from '@agentport/store-sqlite';
import { codeInterpreter, files, shell } from '@agentport/tools-builtin';
import { TRACE_VIEWER_PAGE } from '@agentport/trace-viewer';
import { cliLogDestination } from './cli-log-destination.js';
import { DemoFolder } from './demo-folder.js';
import { DEMO_MODEL_NAME } from './demo-model.js';
import { demoModelPlugin } from './demo-model-plugin.js';
import { DEMO_USAGE, parseDemoOptions } from './demo-options.js';
import { curlCommand, openaiSdkCommand } from './demo-try-commands.js';
import type { ServeHandle } from './serve-command.js';

/** Commands the demo's shell tool may run: they read, none of them runs another program. */
export const DEMO_SHELL_COMMANDS = ['ls', 'cat', 'head', 'wc', 'grep'];

export interface DemoHandle extends ServeHandle {
  readonly apiKey: string;
  /** The temp folder (tools' workspace and SQLite file), removed by `stop()`. */
  readonly folder: string;
}

/**
 * `agentport demo`: the gateway on the scripted `agentport-demo` model, with the built-in tools
 * that stay inside a fresh temp folder (shell, files, the sandboxed code interpreter; no network
 * tool), SQLite in that folder, one random API key, on 127.0.0.1. Prints a banner with the key
 * and commands to try; `stop()` stops the app and deletes the folder.
 */
export async function demo(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout): Promise<DemoHandle | undefined> {
  const options = parseDemoOptions(argv);
  if (options.help) {
    out.write(`${DEMO_USAGE}\n`);
    return undefined;
  }
  const folder = await DemoFolder.create();
  const apiKey = `demo-${randomBytes(16).toString('hex')}`;
  const destination = cliLogDestination();
  try {
    const app = await createApp({
      plugins: [demoModelPlugin(), sqliteStore(), codeInterpreter(), shell(), files(), gateway({ traceViewerPage: TRACE_VIEWER_PAGE })],
      ...(destination ? { logDestination: destination } : {}),
      config: {
        env,
        overrides: {
          store: { path: folder.database },
          gateway: { host: '127.0.0.1', apiKeys: [apiKey], apiKeysFile: '', traceViewer: true, ...(options.port === undefined ? {} : { port: options.port }) },
          // One warm worker is enough for one person trying it; the sandbox is the interpreter's own.
          'code-interpreter': { enabled: true, poolSize: 1, maxContainers: 4 },
          shell: { enabled: true, commands: DEMO_SHELL_COMMANDS, workingDirectory: folder.workspace, defaultRequireApproval: 'never' },
          files: { enabled: true, root: folder.workspace, defaultRequireApproval: 'never' },
        },
      },
    });
    await app.start();
    const url = app.get(GATEWAY_HANDLE).gateway!.url;
    printBanner(app.logger, { url, apiKey, workspace: folder.workspace });
    return {
      url,
      apiKey,
      folder: folder.path,
      logger: app.logger,
      async stop() {
        try {
          await app.stop();
        } finally {
          await folder.remove();
        }
      },
    };
  } catch (error) {
    await folder.remove();
    throw error;
  }
}

function printBanner(logger: ServeHandle['logger'], { url, apiKey, workspace }: { url: string; apiKey: string; workspace: string }): void {
  const baseUrl = `${url}/v1`;
  logger.warn({ model: DEMO_MODEL_NAME }, `DEMO MODE: "${DEMO_MODEL_NAME}" is a scripted demo model, not an LLM: its replies are fixed text, and it calls one built-in tool when asked. No GPU, no vLLM.`);
  logger.info({ url: baseUrl }, `agentport is serving the OpenAI Responses API at ${baseUrl}`);
  logger.info({ apiKey }, `API key (new each run): ${apiKey}`);
  logger.info({ workspace }, `built-in tools on: shell (${DEMO_SHELL_COMMANDS.join(', ')}), read_file, list_directory and code_interpreter (sandboxed Python), `
    + `confined to ${workspace}, which is deleted on exit; http_get is off`);
  logger.info(`Try it with curl:\n\n  ${curlCommand(baseUrl, apiKey)}\n`);
  logger.info(`Or with the openai SDK, from the repository root (it lists the demo's folder with a built-in tool):\n\n  ${openaiSdkCommand(baseUrl, apiKey)}\n`);
  logger.info({ url: `${url}/ui/` }, `See what each run did in the trace viewer: ${url}/ui/ (sign in with the API key above)`);
  logger.info('Ctrl-C stops the demo and deletes its temp folder.');
}
