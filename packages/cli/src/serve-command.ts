import cluster from 'node:cluster';
import { createApp, type Logger, TOKENS } from '@agentport/core';
import { GATEWAY_HANDLE } from '@agentport/gateway';
import { cliLogDestination } from './cli-log-destination.js';
import { parseServeOptions, SERVE_USAGE, type ServeOptions } from './serve-options.js';
import { servePlugins } from './serve-plugins.js';
import { chooseStore, storePlugin } from './store-choice.js';
import { VllmProcess } from './vllm-process.js';

const DEFAULT_UPSTREAM = 'http://127.0.0.1:8000/v1';
/** How long `agentport serve -- <vllm args>` waits for vLLM to load its model. */
const VLLM_READY_TIMEOUT_MS = 30 * 60_000;

export interface ServeHandle {
  url: string;
  /** The probe thread's address, when `gateway.probeThread` is on. */
  probeUrl?: string;
  /** The app's logger: the CLI's own lines (shutdown) go through it too. */
  logger: Logger;
  stop(): Promise<void>;
}

/** `agentport serve`: composes vLLM, the store (SQLite, or PostgreSQL for a postgres:// `--db`), the built-in tools (each off until configured) and the gateway. */
export async function serve(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout): Promise<ServeHandle | undefined> {
  const options = parseServeOptions(argv);
  if (options.help) {
    out.write(`${SERVE_USAGE}\n`);
    return undefined;
  }
  const store = storePlugin(chooseStore(options.db, env));
  const plugins = servePlugins(store.plugin);
  const destination = cliLogDestination();
  const app = await createApp({
    plugins,
    ...(destination ? { logDestination: destination } : {}),
    // Lines of several workers interleave on one stdout: each says which worker wrote it.
    ...(cluster.isWorker ? { logBase: { name: 'agentport', worker: cluster.worker?.id, pid: process.pid } } : {}),
    config: { env, ...(options.config === undefined ? {} : { file: options.config }), overrides: { ...overridesFrom(options, env), store: store.overrides } },
  });
  const { logger } = app;
  const catalog = app.get(TOKENS.ModelCatalog);
  const vllmProcess = options.vllmArgs.length > 0
    ? await VllmProcess.start(catalog, { args: options.vllmArgs, readyTimeoutMs: VLLM_READY_TIMEOUT_MS, logger })
    : undefined;
  try {
    await app.start();
  } catch (error) {
    await vllmProcess?.stop();
    throw error;
  }
  const gateway = app.get(GATEWAY_HANDLE).gateway!;
  const { url, probeUrl } = gateway;
  const readiness = await catalog.ready({ signal: AbortSignal.timeout(5_000) });
  logger.info({ url: `${url}/v1` }, `agentport is serving the OpenAI Responses API at ${url}/v1`);
  if (readiness.ready) logger.info({ model: readiness.model }, `upstream: ready, serving ${readiness.model}`);
  else logger.warn({ reason: readiness.reason }, `upstream: NOT reachable (${readiness.reason}); requests will fail until it answers. /readyz says so too.`);
  return {
    url,
    ...(probeUrl ? { probeUrl } : {}),
    logger,
    async stop() {
      await app.stop();
      await vllmProcess?.stop();
    },
  };
}

function overridesFrom(options: ServeOptions, env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const upstream = options.upstream ?? (env.AGENTPORT_VLLM__BASE_URL ? undefined : env.VLLM_URL ?? DEFAULT_UPSTREAM);
  return {
    vllm: { ...(upstream === undefined ? {} : { baseUrl: upstream }), ...(options.model === undefined ? {} : { model: options.model }) },
    gateway: {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.apiKeys.length === 0 ? {} : { apiKeys: options.apiKeys }),
    },
  };
}
