import type { Agent } from '../agent/agent.js';
import type { IAgentModel } from '../model/agent-model.js';
import type { ModelCatalog } from '../model/model-catalog.js';
import type { StateStore } from '../store/state-store.js';
import type { McpHost } from '../tools/mcp-host.js';
import type { ToolProvider } from '../tools/tool-provider.js';
import type { MetricRegistry } from '../metrics/metric-registry.js';
import type { ResponseSignals } from '../live/response-signals.js';
import type { SharedKeyLimits } from '../live/shared-key-limits.js';
import type { Logger } from './logger.js';
import type { Tracer } from '../tracing/tracer.js';
import { definePort } from './port-token.js';

/** The ports plugins bind and consume. */
export const TOKENS = {
  AgentModel: definePort<IAgentModel>('AgentModel', { providedBy: '@agentport/vllm-adapter: vllm()' }),
  ModelCatalog: definePort<ModelCatalog>('ModelCatalog', { providedBy: '@agentport/vllm-adapter: vllm()' }),
  StateStore: definePort<StateStore>('StateStore', {
    providedBy: '@agentport/store-sqlite: sqliteStore(), @agentport/store-postgres: postgresStore(), or memoryStore() from @agentport/core',
  }),
  /**
   * Optional: the channel that carries cancels and event wake-ups between processes on one
   * store; without it the gateway uses `InProcessResponseSignals`.
   */
  ResponseSignals: definePort<ResponseSignals>('ResponseSignals', { providedBy: '@agentport/store-postgres: postgresStore()' }),
  /** Optional: per-key limits held by every process on one store together; without it each gateway holds its own. */
  KeyLimits: definePort<SharedKeyLimits>('KeyLimits', { providedBy: '@agentport/store-postgres: postgresStore()' }),
  ToolProvider: definePort<ToolProvider>('ToolProvider', {
    providedBy: '@agentport/tools-builtin, or staticToolProvider() from @agentport/core',
    multiple: true,
  }),
  /** Optional: the hosted MCP servers the gateway lists and serves to MCP clients. */
  McpHost: definePort<McpHost>('McpHost', { providedBy: '@agentport/tools-builtin: mcpHosting()' }),
  Agent: definePort<Agent>('Agent', { providedBy: 'your own plugin, or ToolLoopAgent from @agentport/core', multiple: true }),
  Logger: definePort<Logger>('Logger', { providedBy: '@agentport/core (bound by createApp)' }),
  Metrics: definePort<MetricRegistry>('Metrics', { providedBy: '@agentport/core (bound by createApp)' }),
  /** Optional: where spans go; without it nothing is traced (`NOOP_TRACER`). */
  Tracer: definePort<Tracer>('Tracer', { providedBy: '@agentport/telemetry: telemetry()' }),
} as const;

// The port types of `McpHost`, reachable from the package root through this module.
export type {
  McpEndpointExchange, McpHost, McpServerConnectionState, McpServerStatus, McpServerTransportKind,
} from '../tools/mcp-host.js';
