import { definePort, type Plugin, TOKENS, ToolRegistry } from '@agentport/core';
import { Gateway } from './gateway.js';
import { type GatewayConfig, gatewayConfigSchema } from './gateway-config.js';
import type { RouteRegistrar } from './http/gateway-server.js';

export interface GatewayPluginOptions {
  /** Routes other packages own (e.g. the WebSocket endpoint). */
  routes?: RouteRegistrar[];
  /** The trace viewer's built page (a folder with `index.html`), served at `/ui` when `traceViewer` is on. */
  traceViewerPage?: string;
}

/** The running gateway, once the app started: its address, for callers that listen on port 0. */
export interface GatewayHandle {
  readonly gateway: Gateway | undefined;
}

export const GATEWAY_HANDLE = definePort<GatewayHandle>('Gateway', { providedBy: '@agentport/gateway: gateway()' });

/**
 * Serves the bound agents over the OpenAI Responses API. Needs a state store; uses the
 * upstream model, custom agents, tool providers and the model catalog when they are bound.
 */
export function gateway(options: GatewayPluginOptions = {}): Plugin<GatewayConfig> {
  const handle: { gateway: Gateway | undefined } = { gateway: undefined };
  return {
    name: 'gateway',
    configSchema: gatewayConfigSchema,
    requires: [TOKENS.StateStore],
    register(ctx) {
      ctx.bind(GATEWAY_HANDLE, handle);
    },
    async start(ctx) {
      const { resolve } = ctx;
      const providers = resolve.getAll(TOKENS.ToolProvider);
      handle.gateway = await Gateway.create({
        store: resolve.get(TOKENS.StateStore),
        model: resolve.tryGet(TOKENS.AgentModel),
        agents: resolve.getAll(TOKENS.Agent),
        tools: new ToolRegistry(providers),
        catalog: resolve.tryGet(TOKENS.ModelCatalog),
        mcpHost: resolve.tryGet(TOKENS.McpHost),
        config: ctx.config,
        logger: ctx.logger,
        metrics: ctx.metrics,
        routes: options.routes ?? [],
        signals: resolve.tryGet(TOKENS.ResponseSignals),
        keyLimits: resolve.tryGet(TOKENS.KeyLimits),
        tracer: resolve.tryGet(TOKENS.Tracer),
        ...(options.traceViewerPage ? { traceViewerPage: options.traceViewerPage } : {}),
      });
      const address = await handle.gateway.listen();
      ctx.logger.info({ url: address }, 'listening');
      const probeUrl = handle.gateway.probeUrl;
      if (probeUrl) ctx.logger.info({ url: probeUrl }, 'probe thread listening (/healthz, /readyz)');
    },
    async stop() {
      await handle.gateway?.close();
      handle.gateway = undefined;
    },
  };
}
