import type { FastifyInstance } from 'fastify';
import { GatewayMetrics, UNMATCHED_ROUTE } from '../http/gateway-metrics.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { withTimeout } from '../http/with-timeout.js';
import type { AgentDirectory } from '../responses/agent-directory.js';

/** A tenant no key maps to, so the readiness probe never reads anyone's data. */
const PROBE_TENANT = '__agentport_readyz__';
const PROBE_RESPONSE_ID = 'resp_readyz_probe';

/** What one readiness check found. `not_configured` is fine: an optional part that is absent. */
export type CheckVerdict =
  | { state: 'ok' }
  | { state: 'not_configured' }
  | { state: 'failing'; detail: string };

/** The `/readyz` body: each check as `ok`, `not configured`, or what is wrong. */
export interface ReadinessBody {
  status: 'ready' | 'not_ready';
  checks: { store: string; upstream: string; agents: string; load: string };
}

/**
 * `/healthz` (the process serves), `/readyz` (the store answers, the upstream answers, some
 * agent can serve a request, and the process is not saturated) and `/metrics`; also counts and times every request.
 * They sit outside the `/v1` scope, so they need no API key.
 */
export function registerOperationRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids in paths would make a series per object.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    ctx.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const body = await checkReadiness(ctx);
    return reply.status(body.status === 'ready' ? 200 : 503).send(body);
  });

  app.get('/metrics', async (_request, reply) => reply.type(GatewayMetrics.CONTENT_TYPE).send(ctx.metrics.render()));
}

/** What `/readyz` answers (503 unless `ready`); the probe thread serves the last one. */
export async function checkReadiness(ctx: GatewayContext): Promise<ReadinessBody> {
  const timeoutMs = ctx.config.readinessProbeTimeoutMs;
  const [store, upstream] = await Promise.all([checkStore(ctx, timeoutMs), checkUpstream(ctx, timeoutMs)]);
  const agents = checkAgents(ctx.agents);
  const load = checkLoad(ctx);
  const ready = [store, upstream, agents, load].every((verdict) => verdict.state !== 'failing');
  return {
    status: ready ? 'ready' : 'not_ready',
    checks: { store: describeVerdict(store), upstream: describeVerdict(upstream), agents: describeVerdict(agents), load: describeVerdict(load) },
  };
}

async function checkStore(ctx: GatewayContext, timeoutMs: number): Promise<CheckVerdict> {
  // A store that reads but refuses writes (a full disk) answers the probe: what it refused says more.
  const refusing = ctx.storeFaults.failing;
  if (refusing) return { state: 'failing', detail: refusing };
  try {
    // Any answer, found or not, shows the store is open and answering.
    await withTimeout(ctx.store.getResponse(PROBE_TENANT, PROBE_RESPONSE_ID), timeoutMs);
    return { state: 'ok' };
  } catch (error) {
    ctx.logger.warn({ error: describe(error) }, 'readiness: the state store does not answer');
    return { state: 'failing', detail: `failing: ${describe(error)}` };
  }
}

async function checkUpstream(ctx: GatewayContext, timeoutMs: number): Promise<CheckVerdict> {
  if (!ctx.catalog) return { state: 'not_configured' };
  try {
    const readiness = await withTimeout(ctx.catalog.ready({ signal: AbortSignal.timeout(timeoutMs) }), timeoutMs);
    return readiness.ready ? { state: 'ok' } : { state: 'failing', detail: `unreachable: ${readiness.reason}` };
  } catch (error) {
    return { state: 'failing', detail: `unreachable: ${describe(error)}` };
  }
}

/** Some agent can serve a request: a registered one, or a default agent over the upstream model (which answers any name). */
function checkAgents(agents: AgentDirectory): CheckVerdict {
  if (agents.agentNames().length > 0 || agents.hasDefaultAgent) return { state: 'ok' };
  return { state: 'failing', detail: 'none: no upstream model and no agents are configured' };
}

/** Not ready while saturated: responses wait to run, or the event loop lags past `overloadEventLoopLagMs`. */
function checkLoad(ctx: GatewayContext): CheckVerdict {
  const saturation = ctx.admission.saturation;
  return saturation === undefined ? { state: 'ok' } : { state: 'failing', detail: `saturated: ${saturation}` };
}

function describeVerdict(verdict: CheckVerdict): string {
  switch (verdict.state) {
    case 'ok':
      return 'ok';
    case 'not_configured':
      return 'not configured';
    case 'failing':
      return verdict.detail;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
