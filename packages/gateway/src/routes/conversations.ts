import { type ConversationRecord, type Item, NotFoundError, newId } from '@agentport/core';
import type { FastifyInstance } from 'fastify';
import { invalidRequest, notFound } from '../errors.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { RouteRegistrar } from '../http/gateway-server.js';
import { parsePageQuery, toListBody } from '../http/page-query.js';
import { FieldReader } from '../request/field-reader.js';
import { parseInputItems } from '../request/input-items.js';

/** A conversation as the API shows it. */
export interface ConversationObject {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: Record<string, string>;
}

type ConversationParams = { Params: { id: string } };
type ItemParams = { Params: { cid: string; iid: string } };

/**
 * `/v1/conversations`: create, retrieve, update (POST, as OpenAI), delete, and its items
 * (add, list with cursor paging, retrieve, delete). Everything is the request tenant's:
 * another tenant's conversation is a 404, whatever the route.
 */
export const registerConversationRoutes: RouteRegistrar = (app: FastifyInstance, ctx: GatewayContext): void => {
  const { store } = ctx;
  const maxItems = ctx.config.maxConversationItemsPerRequest;

  /** The tenant's conversation, or the 404. */
  const requireConversation = async (tenant: string, id: string): Promise<ConversationRecord> => {
    const record = await store.getConversation(tenant, id);
    if (!record) throw notFound('conversation', id);
    return record;
  };

  /** Appends to an existing conversation; one deleted meanwhile is the same 404 as one never there. */
  const appendItems = async (tenant: string, conversationId: string, items: Item[]): Promise<void> => {
    try {
      await store.appendItems(tenant, { kind: 'conversation', conversationId }, items);
    } catch (error) {
      if (NotFoundError.is(error)) throw notFound('conversation', conversationId);
      throw error;
    }
  };

  app.post('/conversations', async (request, reply) => {
    // The SDK sends `{}` for a bare create; a body-less POST means the same.
    const body = FieldReader.root(request.body ?? {});
    const items = await readItems(body, maxItems, { required: false, maxInputFilePages: ctx.config.maxInputFilePages });
    const record = await store.createConversation({
      id: newId('conversation'),
      tenant: request.tenant,
      metadata: body.metadata('metadata') ?? {},
      createdAt: Math.floor(Date.now() / 1000),
    });
    if (items.length > 0) await appendItems(request.tenant, record.id, items);
    return reply.send(toConversationObject(record));
  });

  app.get<ConversationParams>('/conversations/:id', async (request, reply) => {
    return reply.send(toConversationObject(await requireConversation(request.tenant, request.params.id)));
  });

  app.post<ConversationParams>('/conversations/:id', async (request, reply) => {
    const body = FieldReader.root(request.body ?? {});
    const metadata = body.metadata('metadata');
    if (metadata === undefined) {
      throw invalidRequest('metadata', "Missing required parameter: 'metadata' (an object).", 'missing_required_parameter');
    }
    const record = await store.updateConversation(request.tenant, request.params.id, metadata);
    if (!record) throw notFound('conversation', request.params.id);
    return reply.send(toConversationObject(record));
  });

  app.delete<ConversationParams>('/conversations/:id', async (request, reply) => {
    const { id } = request.params;
    if (!(await store.deleteConversation(request.tenant, id))) throw notFound('conversation', id);
    return reply.send({ id, object: 'conversation.deleted', deleted: true });
  });

  app.post<ConversationParams>('/conversations/:id/items', async (request, reply) => {
    const { id } = request.params;
    // Validate before looking the conversation up: a bad body is a 400 whatever the id.
    const items = await readItems(FieldReader.root(request.body ?? {}), maxItems, { required: true, maxInputFilePages: ctx.config.maxInputFilePages });
    await requireConversation(request.tenant, id);
    await appendItems(request.tenant, id, items);
    return reply.send(toListBody({ data: items, firstId: items[0]?.id ?? null, lastId: items.at(-1)?.id ?? null, hasMore: false }));
  });

  app.get<ConversationParams>('/conversations/:id/items', async (request, reply) => {
    const page = await store.listConversationItems(request.tenant, request.params.id, parsePageQuery(request.query));
    if (!page) throw notFound('conversation', request.params.id);
    return reply.send(toListBody(page));
  });

  app.get<ItemParams>('/conversations/:cid/items/:iid', async (request, reply) => {
    const { cid, iid } = request.params;
    await requireConversation(request.tenant, cid);
    const item = await store.getConversationItem(request.tenant, cid, iid);
    if (!item) throw notFound('item', iid);
    return reply.send(item);
  });

  // OpenAI answers an item's deletion with the conversation it was removed from.
  app.delete<ItemParams>('/conversations/:cid/items/:iid', async (request, reply) => {
    const { cid, iid } = request.params;
    const conversation = await requireConversation(request.tenant, cid);
    if (!(await store.deleteConversationItem(request.tenant, cid, iid))) throw notFound('item', iid);
    return reply.send(toConversationObject(conversation));
  });
};

export function toConversationObject(record: ConversationRecord): ConversationObject {
  return { id: record.id, object: 'conversation', created_at: record.createdAt, metadata: record.metadata };
}

/** `items`: an array of 1 to `max` input items (it may be absent on create), parsed to stored form. */
async function readItems(body: FieldReader, max: number, options: { required: boolean; maxInputFilePages: number }): Promise<Item[]> {
  const raw = body.array('items');
  if (raw === undefined) {
    if (options.required) throw invalidRequest('items', "Missing required parameter: 'items' (an array).", 'missing_required_parameter');
    return [];
  }
  if (options.required && raw.length === 0) throw invalidRequest('items', "'items' must hold at least one item.");
  if (raw.length > max) throw invalidRequest('items', `'items' may hold at most ${max} items (got ${raw.length}).`);
  return parseInputItems(raw, 'items', { maxInputFilePages: options.maxInputFilePages });
}
