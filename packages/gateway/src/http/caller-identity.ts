import type { GatewayContext } from './gateway-context.js';

/** Who is calling: the tenant of their key, and the id their per-key limits count against. */
export interface CallerIdentity {
  tenant: string;
  /** A stable digest of the key (or `ip:<address>` when the gateway is open). */
  apiKeyId: string;
}

/**
 * The one check every `/v1` request and every WebSocket upgrade passes: the bearer key's
 * tenant (a 401 ApiError otherwise), and one request off the key's rate limit (a 429).
 */
export async function identifyCaller(ctx: GatewayContext, authorization: string | undefined, remoteAddress: string | undefined): Promise<CallerIdentity> {
  const { tenant, key } = ctx.auth.authenticate(authorization);
  const apiKeyId = ctx.auth.isOpen ? `ip:${remoteAddress ?? 'unknown'}` : key;
  await ctx.rateLimiter.take(apiKeyId);
  return { tenant, apiKeyId };
}
