import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { BUILTIN_ROUTES } from '../routes/index.js';
import { registerResponsesWebSocket } from '../websocket/responses-websocket-endpoint.js';
import { installErrorHandling } from './error-handler.js';
import type { GatewayContext } from './gateway-context.js';

/** Routes outside `/v1` that need no key: probes and metrics. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export type RouteRegistrar = (app: FastifyInstance, ctx: GatewayContext) => void;

/**
 * The fastify app: body limit, authentication and rate limit on every `/v1` route, OpenAI
 * errors, and the routes. `routes` lets other parts of the gateway (conversations, models,
 * operations, WebSocket) register what they own.
 */
export async function buildGatewayServer(ctx: GatewayContext, routes: readonly RouteRegistrar[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: ctx.config.bodyLimitBytes,
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    genReqId: () => `req_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    requestIdHeader: 'x-request-id',
    // Per-request lines only at debug level (the top-level `disableRequestLogging` is deprecated in fastify 5).
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== 'debug' }),
  });
  app.decorateRequest('tenant', '');
  app.decorateRequest('apiKeyId', '');
  installErrorHandling(app, ctx.config.bodyLimitBytes);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // A response (a stream) that ends while the server closes leaves its keep-alive connection
    // idle; close it then, or shutdown waits until the client hangs up.
    reply.raw.once('finish', () => {
      if (!app.server.listening) app.server.closeIdleConnections();
    });
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    const { tenant, key } = ctx.auth.authenticate(request.headers.authorization);
    request.tenant = tenant;
    request.apiKeyId = ctx.auth.isOpen ? `ip:${request.ip}` : key;
    ctx.rateLimiter.take(request.apiKeyId);
  });

  for (const register of [...BUILTIN_ROUTES, ...routes]) register(app, ctx);
  // Upgrades bypass fastify's routing and hooks: the endpoint authenticates them itself.
  registerResponsesWebSocket(app, ctx);
  await app.ready();
  return app;
}
