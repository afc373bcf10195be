import { isLevelEnabled } from '@agentport/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { registerOperationRoutes } from '../routes/operations.js';
import { V1_ROUTES } from '../routes/index.js';
import { registerResponsesWebSocket } from '../websocket/responses-websocket-endpoint.js';
import { identifyCaller } from './caller-identity.js';
import { installBodyLimitGuard } from './body-limit-guard.js';
import { installErrorHandling } from './error-handler.js';
import { answerClientError, answerRouterError } from './framework-errors.js';
import type { GatewayContext } from './gateway-context.js';
import { newRequestId } from './request-id.js';
import { registerOrganizationUsage } from '../routes/organization-usage.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { registerTraceRoutes } from '../routes/traces.js';
import { registerStaticPage } from './static-page.js';

/** Registers routes (and hooks) inside the authenticated `/v1` scope; paths are relative to `/v1`. */
export type RouteRegistrar = (app: FastifyInstance, ctx: GatewayContext) => void;

/**
 * The fastify app: probes and metrics at the root, needing no key; everything else is one
 * encapsulated `/v1` plugin whose hook authenticates and rate-limits each request before its
 * route runs. `routes` lets other parts of the gateway add to `/v1`.
 */
export async function buildGatewayServer(
  ctx: GatewayContext, routes: readonly RouteRegistrar[] = [], options: { traceViewerPage?: string } = {},
): Promise<FastifyInstance> {
  // The logger type is fastify's base one, so routes keep the default FastifyInstance type.
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    bodyLimit: ctx.config.bodyLimitBytes,
    routerOptions: { maxParamLength: ctx.config.maxPathParamLength },
    frameworkErrors: answerRouterError(ctx.config.maxPathParamLength),
    clientErrorHandler: answerClientError,
    // The app's own logger: fastify's lines and every plugin's share one stream, format and level.
    loggerInstance: ctx.logger,
    genReqId: newRequestId,
    requestIdHeader: 'x-request-id',
    // A line per request only at debug level (the top-level `disableRequestLogging` is deprecated in fastify 5).
    logController: new LogController({ disableRequestLogging: !isLevelEnabled(ctx.logger, 'debug') }),
    // Every line of a request, fastify's own first one included, names its tenant.
    childLoggerFactory: (logger, bindings, options, raw) => {
      const tenant = ctx.auth.tenantOf(raw.headers.authorization);
      return logger.child(tenant === undefined ? bindings : { ...bindings, tenant }, options);
    },
  });
  app.decorateRequest('tenant', '');
  app.decorateRequest('apiKeyId', '');
  installErrorHandling(app, ctx.config.bodyLimitBytes, ctx.storeFaults);
  installBodyLimitGuard(app, ctx.config);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // A response (a stream) that ends while the server closes leaves its keep-alive connection
    // idle; close it then, or shutdown waits until the client hangs up.
    reply.raw.once('finish', () => {
      if (!app.server.listening) app.server.closeIdleConnections();
    });
  });

  registerOperationRoutes(app, ctx);
  // Outside the `/v1` scope's tenant-key hook: these take an admin key.
  const admins = new ApiKeyAuthenticator(new Map(ctx.config.adminKeys.map((key) => [key, 'admin'])));
  registerOrganizationUsage(app, ctx, admins);
  if (ctx.config.traceViewer) {
    registerTraceRoutes(app, ctx, admins);
    if (options.traceViewerPage) registerStaticPage(app, '/ui', options.traceViewerPage);
  }
  await app.register(async (v1) => {
    v1.addHook('onRequest', async (request) => {
      // Anthropic's clients may send the key as `x-api-key` instead of a bearer token.
      const apiKey = request.headers['x-api-key'];
      const authorization = request.headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined);
      const caller = await identifyCaller(ctx, authorization, request.ip);
      request.tenant = caller.tenant;
      request.apiKeyId = caller.apiKeyId;
    });
    for (const register of [...V1_ROUTES, ...routes]) register(v1, ctx);
  }, { prefix: '/v1' });
  // Upgrades bypass fastify's routing and hooks: the endpoint identifies the caller the same way.
  registerResponsesWebSocket(app, ctx);
  await app.ready();
  return app;
}
