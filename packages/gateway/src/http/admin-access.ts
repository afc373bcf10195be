import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { identifyCaller } from './caller-identity.js';
import type { GatewayContext } from './gateway-context.js';

/** Who reads: an admin key (any tenant), or a tenant's own key (that tenant). */
export type ReaderScope = { kind: 'admin' } | { kind: 'tenant'; tenant: string };

/** Whether the request carries one of the configured admin keys. */
export function isAdminRequest(admins: ApiKeyAuthenticator, authorization: string | undefined): boolean {
  return !admins.isOpen && admins.tenantOf(authorization) !== undefined;
}

/** Lets only an admin key through: a 403 for a tenant key or when none is configured, a 401 for anything else. */
export function requireAdmin(ctx: GatewayContext, admins: ApiKeyAuthenticator, authorization: string | undefined, what: string): void {
  if (admins.isOpen) throw new ApiError(403, 'permission_error', 'admin_keys_not_configured', `${what} need an admin key; set AGENTPORT_GATEWAY__ADMIN_KEYS.`);
  if (admins.tenantOf(authorization) !== undefined) return;
  throw ctx.auth.tenantOf(authorization) !== undefined
    ? new ApiError(403, 'permission_error', 'admin_key_required', 'This endpoint takes an admin key (adminKeys), not an API key.')
    : admins.authenticate(authorization);
}

/** An admin key, or a tenant key checked as every `/v1` request is (a 401, or a 429 off its rate limit). */
export async function readerScope(ctx: GatewayContext, admins: ApiKeyAuthenticator, request: FastifyRequest): Promise<ReaderScope> {
  const authorization = request.headers.authorization;
  if (isAdminRequest(admins, authorization)) return { kind: 'admin' };
  const caller = await identifyCaller(ctx, authorization, request.ip);
  return { kind: 'tenant', tenant: caller.tenant };
}
