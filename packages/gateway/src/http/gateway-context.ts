import type { UsageLedger } from '../usage/usage-ledger.js';
import type { JsonSchemaValidator, Logger, McpHost, ModelCatalog, ResponseSignals, StateStore, ToolRegistry } from '@agentport/core';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import type { GatewayConfig } from '../gateway-config.js';
import type { ParseOptions } from '../request/parse-create-response.js';
import type { AgentDirectory } from '../responses/agent-directory.js';
import type { ActiveResponses } from '../responses/live-response.js';
import type { ResponseRunner } from '../responses/response-runner.js';
import type { StoreFaults } from '../responses/store-faults.js';
import type { AdmissionQueue } from './admission-queue.js';
import type { ApiKeyAuthenticator } from './api-key-authenticator.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { ConcurrencyLimiter, RateLimiter } from './rate-limiter.js';

/** What the routes share: one per gateway. */
export interface GatewayContext {
  config: GatewayConfig;
  store: StateStore;
  runner: ResponseRunner;
  agents: AgentDirectory;
  active: ActiveResponses;
  /** Cancels and event wake-ups between the processes on one store (in-process when there is one). */
  signals: ResponseSignals;
  catalog: ModelCatalog | undefined;
  /** Hosted MCP servers, when a plugin hosts any. */
  mcpHost: McpHost | undefined;
  /** The server tools of every provider, under their policies. */
  tools: ToolRegistry | undefined;
  auth: ApiKeyAuthenticator;
  rateLimiter: RateLimiter;
  runLimiter: ConcurrencyLimiter;
  /** Storage faults seen, and the response endings waiting for the store to take writes again. */
  storeFaults: StoreFaults;
  /** This process's running limit and the queue in front of it, fair between keys. */
  admission: AdmissionQueue;
  validator: JsonSchemaValidator;
  /** Tool types some provider serves (`mcp`, `code_interpreter`, …). */
  hostedToolTypes: ReadonlySet<string>;
  /** Seals reasoning into `encrypted_content` and opens it when it comes back (`reasoningEncryptionKey`). */
  reasoningSeal: ReasoningSeal;
  /** How create-response bodies are read (HTTP and WebSocket alike). */
  parseOptions: ParseOptions;
  logger: Logger;
  /** Prometheus metrics, served at `/metrics`. */
  metrics: GatewayMetrics;
  /** Usage per tenant and model, in `/metrics` and stored by hour for usage reports. */
  usage: UsageLedger;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the request's API key. */
    tenant: string;
    /** A stable digest of the key, for per-key limits. */
    apiKeyId: string;
  }
}
