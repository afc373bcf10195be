import type { ResponseRecord, SpanRecord, StateStore } from '@agentport/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readerScope } from '../http/admin-access.js';
import type { ApiKeyAuthenticator } from '../http/api-key-authenticator.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { parsePageQuery, parseSequenceNumber, toListBody } from '../http/page-query.js';
import { ApiError, invalidRequest, notFound } from '../errors.js';
import { readResponseItems, readStoredResponse } from '../responses/stored-response-reader.js';

/** How far back a trace names the responses of its `previous_response_id` chain. */
const CHAIN_LENGTH = 20;

interface TraceQuery {
  tenant?: string;
  after?: string;
  limit?: string;
  conversation_id?: string;
  events_after?: string;
}

/**
 * The trace viewer's reads, outside the `/v1` scope's tenant-key hook (an admin key reads too):
 * `GET /v1/traces` (a tenant's responses, newest first, `conversation_id` to keep one
 * conversation's), `GET /v1/traces/conversations`, and `GET /v1/traces/{id}`: the response, its
 * input, its chain, its events as streamed and its spans. A running response is read from this
 * process as it runs (events and spans so far); one running in another process, from its last write.
 */
export function registerTraceRoutes(app: FastifyInstance, ctx: GatewayContext, admins: ApiKeyAuthenticator): void {
  app.get<{ Querystring: TraceQuery }>('/v1/traces', async (request, reply) => {
    const tenant = await tenantOf(ctx, admins, request);
    const { after, limit } = parsePageQuery({ after: request.query.after, limit: request.query.limit });
    const conversationId = optionalText(request.query.conversation_id, 'conversation_id');
    const page = await ctx.store.listResponses(tenant, { ...(after ? { after } : {}), ...(limit ? { limit } : {}), ...(conversationId ? { conversationId } : {}) });
    return reply.send(toListBody({ ...page, data: page.data.map(responseSummary) }));
  });

  app.get<{ Querystring: TraceQuery }>('/v1/traces/conversations', async (request, reply) => {
    const tenant = await tenantOf(ctx, admins, request);
    const { after, limit } = parsePageQuery({ after: request.query.after, limit: request.query.limit });
    const page = await ctx.store.listConversations(tenant, { ...(after ? { after } : {}), ...(limit ? { limit } : {}) });
    return reply.send(toListBody({
      ...page, data: page.data.map((conversation) => ({ id: conversation.id, object: 'conversation', created_at: conversation.createdAt, metadata: conversation.metadata })),
    }));
  });

  app.get<{ Params: { id: string }; Querystring: TraceQuery }>('/v1/traces/:id', async (request, reply) => {
    const tenant = await tenantOf(ctx, admins, request);
    const { id } = request.params;
    const eventsAfter = parseSequenceNumber(request.query.events_after, 'events_after');
    const response = await readStoredResponse(ctx.store, tenant, id);
    if (!response) throw notFound('response', id);
    const live = ctx.active.get(tenant, id);
    const running = live !== undefined && !live.isFinished;
    const stored = await ctx.store.readEvents(tenant, id, eventsAfter) ?? [];
    const lastStored = stored.at(-1)?.sequenceNumber ?? eventsAfter;
    const events = [...stored.map((event) => event.data), ...(running ? live.eventsAfter(lastStored) : [])];
    const storedSpans = await ctx.store.readTrace(tenant, id) ?? [];
    const spans = running && live.trace ? withLiveSpans(storedSpans, live.trace.snapshot()) : storedSpans;
    return reply.send({
      object: 'trace',
      tenant,
      running,
      response,
      input: await readResponseItems(ctx.store, tenant, id, 'input'),
      chain: await chainBefore(ctx.store, tenant, response.previous_response_id),
      spans,
      events,
    });
  });
}

/** The tenant a request reads: a tenant key's own; for an admin key, the one `?tenant=` names. */
async function tenantOf(ctx: GatewayContext, admins: ApiKeyAuthenticator, request: FastifyRequest<{ Querystring: TraceQuery }>): Promise<string> {
  const scope = await readerScope(ctx, admins, request);
  const asked = optionalText(request.query.tenant, 'tenant');
  if (scope.kind === 'admin') {
    if (asked === undefined) throw invalidRequest('tenant', 'An admin key reads one tenant at a time: name it with ?tenant=.');
    return asked;
  }
  if (asked !== undefined && asked !== scope.tenant) {
    throw new ApiError(403, 'permission_error', 'tenant_not_allowed', "An API key reads its own tenant's traces only; an admin key reads any tenant's.", 'tenant');
  }
  return scope.tenant;
}

/** The responses before this one in its `previous_response_id` chain, newest first, as far as they are stored. */
async function chainBefore(store: StateStore, tenant: string, previousId: string | null) {
  const chain = [];
  for (let id = previousId; id !== null && chain.length < CHAIN_LENGTH;) {
    const record = await store.getResponse(tenant, id);
    if (!record) {
      chain.push({ id, status: null, created_at: null, model: null });
      break;
    }
    chain.push({ id, status: record.status, created_at: record.createdAt, model: record.model });
    id = record.previousResponseId;
  }
  return chain;
}

/** The stored spans with those of the run in this process as they are now: each replaces its stored copy, new ones go last. */
function withLiveSpans(stored: readonly SpanRecord[], live: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map(stored.map((span) => [span.id, span]));
  for (const span of live) byId.set(span.id, span);
  return [...byId.values()];
}

function responseSummary(record: ResponseRecord) {
  return {
    id: record.id,
    object: 'response',
    status: record.status,
    model: record.model,
    created_at: record.createdAt,
    completed_at: record.completedAt,
    previous_response_id: record.previousResponseId,
    conversation_id: record.conversationId,
    background: record.background,
    usage: record.usage,
    error: record.error,
  };
}

function optionalText(value: unknown, param: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256) throw invalidRequest(param, `'${param}' must be a non-empty string of at most 256 characters.`);
  return value;
}
