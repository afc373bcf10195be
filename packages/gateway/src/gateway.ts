import {
  type Agent, type IAgentModel, InProcessResponseSignals, JsonSchemaValidator, type Logger, type McpHost, type MetricRegistry, type ModelCatalog, type ResponseSignals, type SharedKeyLimits, type StateStore,
  type ToolProvider, ToolLoopAgent, ToolRegistry, type Tracer, NOOP_TRACER, createLogger,
} from '@agentport/core';
import type { FastifyInstance } from 'fastify';
import { UsageLedger } from './usage/usage-ledger.js';
import { ReasoningSeal } from './codex/reasoning-seal.js';
import { DEFAULT_GATEWAY_CONFIG, type GatewayConfig } from './gateway-config.js';
import { ApiKeyAuthenticator } from './http/api-key-authenticator.js';
import type { GatewayContext } from './http/gateway-context.js';
import { GatewayMetrics } from './http/gateway-metrics.js';
import { buildGatewayServer, type RouteRegistrar } from './http/gateway-server.js';
import { ConcurrencyLimiter, RateLimiter } from './http/rate-limiter.js';
import { AdmissionQueue } from './http/admission-queue.js';
import { EventLoopLagMonitor } from './http/event-loop-lag.js';
import { ProbeServer } from './http/probe-server.js';
import { checkReadiness } from './routes/operations.js';
import { shuttingDown } from './errors.js';
import { AgentDirectory } from './responses/agent-directory.js';
import { UpstreamModelNames } from './responses/upstream-model-names.js';
import { ActiveResponses } from './responses/live-response.js';
import { LEFT_FOR_RESUME, ResponseRunner } from './responses/response-runner.js';
import { watchInterruptedRuns } from './responses/interrupted-runs.js';
import { StoreFaults } from './responses/store-faults.js';

export interface GatewayParts {
  store: StateStore;
  /** The upstream model; its default agent serves every model name no registered agent has. */
  model?: IAgentModel;
  /** Custom agents, each served under its own name. */
  agents?: Agent[];
  tools?: ToolRegistry | ToolProvider[];
  catalog?: ModelCatalog;
  /** Hosted MCP servers, listed at `/v1/mcp/servers` and served to MCP clients at `/v1/mcp`. */
  mcpHost?: McpHost;
  config?: Partial<GatewayConfig>;
  logger?: Logger;
  /** The app's metrics, which `/metrics` serves with the gateway's own; a fresh registry when absent. */
  metrics?: MetricRegistry;
  /** Routes other parts of the gateway own. */
  routes?: RouteRegistrar[];
  /**
   * The channel to the other gateway processes on the same store (cancels, live events); the
   * store's plugin binds one when it is shared. Absent: this process is the only one.
   */
  signals?: ResponseSignals;
  /** Per-key limits every process on the store holds together; absent: this process holds its own. */
  keyLimits?: SharedKeyLimits;
  /** Where each response's spans go (`invoke_agent`, its model and tool calls); absent: nothing is traced. */
  tracer?: Tracer;
  /** The trace viewer's built page (a folder with `index.html`), served at `/ui` when `traceViewer` is on. */
  traceViewerPage?: string;
}

/** A built gateway: the fastify app and its shared context, not yet listening. */
export class Gateway {
  private probe: ProbeServer | undefined;

  private stopTakingOver: (() => void) | undefined;

  private constructor(readonly app: FastifyInstance, readonly context: GatewayContext, private readonly stopServing: () => void) {}

  static async create(parts: GatewayParts): Promise<Gateway> {
    const config = { ...DEFAULT_GATEWAY_CONFIG, ...parts.config };
    const logger = parts.logger ?? createLogger();
    const tools = Array.isArray(parts.tools) ? new ToolRegistry(parts.tools) : parts.tools;
    const upstreamNames = parts.catalog ? new UpstreamModelNames(parts.catalog, config.modelListTimeoutMs, logger) : undefined;
    const defaultAgent = parts.model
      ? new ToolLoopAgent({
        name: parts.model.id, model: parts.model, maxSteps: config.maxSteps, maxToolCalls: config.maxToolCalls,
        ...(config.compactionPrompt === '' ? {} : { compactionPrompt: config.compactionPrompt }),
        autoCompaction: { threshold: config.autoCompactionThreshold, contextWindow: () => upstreamNames?.contextWindow() },
      })
      : undefined;
    const agents = new AgentDirectory(parts.agents ?? [], defaultAgent, { aliases: config.modelAliases, upstreamNames });
    const active = new ActiveResponses();
    const signals = parts.signals ?? new InProcessResponseSignals();
    const eventLoopLag = new EventLoopLagMonitor(config.eventLoopWindowMs);
    const storeFaults = new StoreFaults(config.storeRetryMs, config.maxPendingEndings, logger);
    const admission: AdmissionQueue = new AdmissionQueue({
      maxRunning: config.maxRunningResponses, maxQueued: config.admissionQueueSize, maxQueuedPerKey: config.admissionQueuePerKey,
      maxWaitMs: config.admissionTimeoutMs, overloadLagMs: config.overloadEventLoopLagMs,
    }, eventLoopLag, { waited: (seconds) => metrics.admissionWaited(seconds), refused: (reason) => metrics.refused(reason) });
    const metrics = new GatewayMetrics({
      activeStreams: () => active.size, eventLoopLag, admission, storeFaults, ...(parts.metrics ? { registry: parts.metrics } : {}),
    });
    const auth = ApiKeyAuthenticator.fromConfig(config.apiKeys, config.apiKeysFile);
    const usage = new UsageLedger(parts.store, { flushMs: config.usageFlushMs, maxMetricSeries: config.usageMetricSeries, logger, registry: metrics.registry });
    const validator = new JsonSchemaValidator();
    const hostedToolTypes = tools?.hostedToolTypes ?? new Set<string>();
    const reasoningSeal = ReasoningSeal.fromConfig(config.reasoningEncryptionKey, logger);
    const context: GatewayContext = {
      config,
      store: parts.store,
      agents,
      active,
      signals,
      catalog: parts.catalog,
      mcpHost: parts.mcpHost,
      auth,
      rateLimiter: new RateLimiter(config.requestsPerMinute, () => metrics.refused('rate_limit'), Date.now, parts.keyLimits),
      admission,
      storeFaults,
      runLimiter: new ConcurrencyLimiter(config.maxConcurrentRuns, () => metrics.refused('concurrent_runs'),
        parts.keyLimits ? { limits: parts.keyLimits, logger } : undefined),
      validator,
      hostedToolTypes,
      tools,
      reasoningSeal,
      parseOptions: {
        validator, hostedToolTypes, reasoningSeal, compactionSeal: reasoningSeal.forPurpose('compaction'),
        samplingDefaults: { temperature: config.defaultTemperature, topP: config.defaultTopP },
        maxInputFilePages: config.maxInputFilePages,
      },
      logger,
      metrics,
      usage,
      runner: new ResponseRunner({
        store: parts.store, agents, tools, active, logger, metrics, signals, storeFaults, sharedEventsFlushMs: config.sharedEventsFlushMs,
        tracer: parts.tracer ?? NOOP_TRACER, recordTraces: config.traceViewer, usage,
        limits: { maxSteps: config.maxSteps, maxToolCalls: config.maxToolCalls, maxRunMs: config.maxRunSeconds * 1000 },
      }),
    };
    if (auth.isOpen) {
      logger.warn('NO API KEYS CONFIGURED: the gateway is open to anyone who can reach it, and every request shares one tenant. Set AGENTPORT_GATEWAY__API_KEYS.');
    }
    const app = await buildGatewayServer(context, parts.routes ?? [], parts.traceViewerPage ? { traceViewerPage: parts.traceViewerPage } : {});
    // A cancel sent from any process reaches the one running the response.
    const stopListening = signals.listen((signal) => {
      if (signal.type === 'cancel') active.get(signal.tenant, signal.responseId)?.abort.abort();
    });
    return new Gateway(app, context, () => {
      stopListening();
      admission.close(shuttingDown());
      eventLoopLag.close();
    });
  }

  /** Listens on the configured host and port (port 0 picks a free one); returns the base URL. */
  async listen(): Promise<string> {
    const { config } = this.context;
    const address = await this.app.listen({ host: config.host, port: config.port });
    // Once clients can reach it: a follower of a resumed response reconnects to this process.
    this.stopTakingOver ??= watchInterruptedRuns(this.context, config.backgroundTakeOverPollMs);
    if (config.probeThread) {
      this.probe = await ProbeServer.start({
        host: config.host, port: config.probePort, refreshMs: config.probeRefreshMs,
        readyStaleMs: config.probeReadyStaleMs, liveStaleMs: config.probeLiveStaleMs,
        readiness: () => checkReadiness(this.context), logger: this.context.logger,
      });
    }
    return address;
  }

  /** The probe thread's `http://host:port`, when `probeThread` is on and the gateway listens. */
  get probeUrl(): string | undefined {
    return this.probe ? httpUrl(this.context.config.host, this.probe.port) : undefined;
  }

  /** The `http://host:port` the gateway listens on. */
  get url(): string {
    const address = this.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the gateway is not listening');
    return httpUrl(address.address, address.port);
  }

  /**
   * Stops taking requests, lets running responses finish for the grace period, then cancels
   * the rest (each still ends with its terminal event and is stored) and closes.
   */
  async close(graceMs = this.context.config.shutdownGraceSeconds * 1000): Promise<void> {
    const closing = this.app.close();
    this.stopTakingOver?.();
    this.stopServing();
    // Background responses the next process resumes stop now, at their last checkpoint.
    if (this.context.config.backgroundRestart === 'resume') {
      for (const live of this.context.active.all()) if (live.background) live.abort.abort(LEFT_FOR_RESUME);
    }
    const running = this.context.active.all();
    if (running.length > 0) {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(running.map((live) => live.whenFinished())), deadline]);
      for (const live of this.context.active.all()) live.abort.abort();
      await Promise.all(running.map((live) => live.whenFinished()));
    }
    await closing;
    // After the last responses ended: their usage is in the store before it closes.
    await this.context.usage.close();
    await this.context.storeFaults.close();
    await this.probe?.close();
  }
}

/** `http://host:port`, an IPv6 address in brackets. */
function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
