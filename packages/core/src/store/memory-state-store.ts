import { ConflictError, NotFoundError } from '../errors.js';
import { resolvePageRequest } from './page-request.js';
import type {
  ConversationRecord, HistorySource, Item, ItemRole, ItemTarget, NewResponseRecord, Page, PageRequest,
  ResponseEnding, ResponseListQuery, ResponsePatch, ResponseProgress, ResponseRecord, ResponseRef, StoredEvent,
} from './records.js';
import type { SpanRecord } from '../tracing/span-record.js';
import type { StateStore } from './state-store.js';
import { addUsageTotals, type UsageHour, type UsageQuery } from './usage-records.js';

/** An item and the (at most one) response list and conversation that hold it. */
interface StoredItem {
  item: Item;
  response: { id: string; role: ItemRole } | null;
  conversationId: string | null;
}

interface StoredResponse {
  record: ResponseRecord;
  itemIds: Record<ItemRole, string[]>;
  events: StoredEvent[];
  /** By span id, in the order first written. */
  spans: Map<string, SpanRecord>;
}

interface StoredConversation {
  record: ConversationRecord;
  itemIds: string[];
}

/** One tenant's objects: a tenant can only ever reach its own space. */
class TenantSpace {
  readonly responses = new Map<string, StoredResponse>();
  readonly conversations = new Map<string, StoredConversation>();
  readonly items = new Map<string, StoredItem>();
}

/**
 * A `StateStore` in process memory, for tests, examples and single-process deployments that
 * need no durability. Each item is stored once; responses and conversations hold ordered id
 * lists. Everything going in and out is copied, so callers never share stored objects.
 */
export class MemoryStateStore implements StateStore {
  readonly #tenants = new Map<string, TenantSpace>();
  /** Usage by hour, tenant and model (`usageKey`). */
  readonly #usage = new Map<string, UsageHour>();

  async createResponse(record: NewResponseRecord, inputItems: readonly Item[] = []): Promise<ResponseRecord> {
    const space = this.#space(record.tenant);
    if (space.responses.has(record.id)) throw new ConflictError(`response "${record.id}" already exists`);
    // Checked before the response exists, so a refused call leaves no trace.
    assertItemIdsFree(space, inputItems);
    const stored: ResponseRecord = { ...structuredClone(record), completedAt: record.completedAt ?? null };
    space.responses.set(record.id, { record: stored, itemIds: { input: [], output: [] }, events: [], spans: new Map() });
    placeItems(resolveTarget(space, {
      kind: 'response', responseId: record.id, role: 'input', conversationId: record.conversationId,
    }), inputItems);
    return structuredClone(stored);
  }

  async getResponse(tenant: string, id: string): Promise<ResponseRecord | undefined> {
    const response = this.#tenants.get(tenant)?.responses.get(id);
    return response && structuredClone(response.record);
  }

  async updateResponse(tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined> {
    const response = this.#tenants.get(tenant)?.responses.get(id);
    return response && patchResponse(response, patch);
  }

  async finishResponse(tenant: string, id: string, ending: ResponseEnding): Promise<ResponseRecord | undefined> {
    const response = this.#appendProgress(tenant, id, ending);
    return response && patchResponse(response, ending.patch);
  }

  async checkpointResponse(tenant: string, id: string, progress: ResponseProgress): Promise<boolean> {
    return this.#appendProgress(tenant, id, progress) !== undefined;
  }

  /** Appends output items and events, all or none; undefined (writing nothing) for an unknown response. */
  #appendProgress(tenant: string, id: string, progress: ResponseProgress): StoredResponse | undefined {
    const space = this.#tenants.get(tenant);
    const response = space?.responses.get(id);
    if (!space || !response) return undefined;
    // Every check comes before the first write, so a refused write leaves no trace.
    assertItemIdsFree(space, progress.items);
    assertEventsFollow(response, progress.events);
    placeItems(resolveTarget(space, { kind: 'response', responseId: id, role: 'output' }), progress.items);
    response.events.push(...structuredClone(progress.events));
    for (const span of progress.spans ?? []) response.spans.set(span.id, structuredClone(span));
    return response;
  }

  async listResponses(tenant: string, query: ResponseListQuery = {}): Promise<Page<ResponseRecord>> {
    const responses = [...this.#tenants.get(tenant)?.responses.values() ?? []]
      .filter((response) => query.conversationId === undefined || response.record.conversationId === query.conversationId)
      .map((response) => response.record);
    return newestFirst(responses, query);
  }

  async readTrace(tenant: string, id: string): Promise<SpanRecord[] | undefined> {
    const response = this.#tenants.get(tenant)?.responses.get(id);
    return response && structuredClone([...response.spans.values()]);
  }

  /** Nothing outlives a memory store's process: none was interrupted. */
  async takeInterruptedBackground(): Promise<ResponseRef[]> {
    return [];
  }

  async truncateEvents(tenant: string, responseId: string, after: number): Promise<void> {
    const response = this.#tenants.get(tenant)?.responses.get(responseId);
    if (response) response.events = response.events.filter((event) => event.sequenceNumber <= after);
  }

  async deleteResponse(tenant: string, id: string): Promise<boolean> {

    const space = this.#tenants.get(tenant);
    const response = space?.responses.get(id);
    if (!space || !response) return false;
    for (const itemId of [...response.itemIds.input, ...response.itemIds.output]) {
      const stored = space.items.get(itemId);
      if (!stored) continue;
      if (stored.conversationId === null) space.items.delete(itemId);
      else stored.response = null;
    }
    space.responses.delete(id);
    return true;
  }

  async appendItems(tenant: string, target: ItemTarget, items: readonly Item[]): Promise<void> {
    const resolved = resolveTarget(this.#tenants.get(tenant), target);
    // Check every id before writing anything, so a refused batch leaves no trace.
    assertItemIdsFree(resolved.space, items);
    placeItems(resolved, items);
  }

  async listResponseItems(tenant: string, responseId: string, role: ItemRole, page?: PageRequest): Promise<Page<Item> | undefined> {
    const space = this.#tenants.get(tenant);
    const response = space?.responses.get(responseId);
    if (!space || !response) return undefined;
    return pageOf(space, response.itemIds[role], page);
  }

  async loadHistory(tenant: string, source: HistorySource): Promise<Item[] | undefined> {
    const space = this.#tenants.get(tenant);
    if (!space) return undefined;
    if (source.kind === 'conversation') {
      const conversation = space.conversations.get(source.conversationId);
      return conversation && readItems(space, conversation.itemIds);
    }
    const first = space.responses.get(source.responseId);
    if (!first) return undefined;
    // Walk back to the oldest response, then read forwards. `seen` stops a (corrupt) cycle.
    const chain: StoredResponse[] = [];
    const seen = new Set<string>();
    for (let at: StoredResponse | undefined = first; at && !seen.has(at.record.id);) {
      seen.add(at.record.id);
      chain.push(at);
      const previousId: string | null = at.record.previousResponseId;
      at = previousId === null ? undefined : space.responses.get(previousId);
    }
    return chain.reverse().flatMap((response) => readItems(space, [...response.itemIds.input, ...response.itemIds.output]));
  }

  async createConversation(record: ConversationRecord): Promise<ConversationRecord> {
    const space = this.#space(record.tenant);
    if (space.conversations.has(record.id)) throw new ConflictError(`conversation "${record.id}" already exists`);
    const stored = structuredClone(record);
    space.conversations.set(record.id, { record: stored, itemIds: [] });
    return structuredClone(stored);
  }

  async getConversation(tenant: string, id: string): Promise<ConversationRecord | undefined> {
    const conversation = this.#tenants.get(tenant)?.conversations.get(id);
    return conversation && structuredClone(conversation.record);
  }

  async updateConversation(tenant: string, id: string, metadata: Record<string, string>): Promise<ConversationRecord | undefined> {
    const conversation = this.#tenants.get(tenant)?.conversations.get(id);
    if (!conversation) return undefined;
    conversation.record = { ...conversation.record, metadata: structuredClone(metadata) };
    return structuredClone(conversation.record);
  }

  async deleteConversation(tenant: string, id: string): Promise<boolean> {
    const space = this.#tenants.get(tenant);
    const conversation = space?.conversations.get(id);
    if (!space || !conversation) return false;
    for (const itemId of conversation.itemIds) releaseFromConversation(space, itemId);
    space.conversations.delete(id);
    return true;
  }

  async listConversations(tenant: string, page: Omit<PageRequest, 'order'> = {}): Promise<Page<ConversationRecord>> {
    return newestFirst([...this.#tenants.get(tenant)?.conversations.values() ?? []].map((conversation) => conversation.record), page);
  }

  async listConversationItems(tenant: string, conversationId: string, page?: PageRequest): Promise<Page<Item> | undefined> {
    const space = this.#tenants.get(tenant);
    const conversation = space?.conversations.get(conversationId);
    if (!space || !conversation) return undefined;
    return pageOf(space, conversation.itemIds, page);
  }

  async getItem(tenant: string, itemId: string): Promise<Item | undefined> {
    const stored = this.#tenants.get(tenant)?.items.get(itemId);
    return stored && structuredClone(stored.item);
  }

  async getConversationItem(tenant: string, conversationId: string, itemId: string): Promise<Item | undefined> {
    const stored = this.#tenants.get(tenant)?.items.get(itemId);
    return stored?.conversationId === conversationId ? structuredClone(stored.item) : undefined;
  }

  async deleteConversationItem(tenant: string, conversationId: string, itemId: string): Promise<boolean> {
    const space = this.#tenants.get(tenant);
    const conversation = space?.conversations.get(conversationId);
    if (!space || !conversation) return false;
    const at = conversation.itemIds.indexOf(itemId);
    if (at === -1) return false;
    conversation.itemIds.splice(at, 1);
    releaseFromConversation(space, itemId);
    return true;
  }

  async appendEvents(tenant: string, responseId: string, events: readonly StoredEvent[]): Promise<void> {
    const response = this.#tenants.get(tenant)?.responses.get(responseId);
    if (!response) throw new NotFoundError('response', responseId);
    assertEventsFollow(response, events);
    response.events.push(...structuredClone(events));
  }

  async readEvents(tenant: string, responseId: string, after?: number): Promise<StoredEvent[] | undefined> {
    const response = this.#tenants.get(tenant)?.responses.get(responseId);
    if (!response) return undefined;
    const events = after === undefined ? response.events : response.events.filter((event) => event.sequenceNumber > after);
    return structuredClone(events);
  }

  async addUsage(hours: readonly UsageHour[]): Promise<void> {
    for (const hour of hours) {
      const key = usageKey(hour);
      const stored = this.#usage.get(key);
      if (stored) addUsageTotals(stored, hour);
      else this.#usage.set(key, { ...hour });
    }
  }

  async readUsage(query: UsageQuery): Promise<UsageHour[]> {
    return [...this.#usage.values()]
      .filter((hour) => hour.hourStart >= query.from && hour.hourStart < query.to && (query.tenant === undefined || hour.tenant === query.tenant))
      .sort((a, b) => a.hourStart - b.hourStart || compareText(a.tenant, b.tenant) || compareText(a.model, b.model))
      .map((hour) => ({ ...hour }));
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives as long as the object.
  }

  #space(tenant: string): TenantSpace {
    let space = this.#tenants.get(tenant);
    if (!space) {
      space = new TenantSpace();
      this.#tenants.set(tenant, space);
    }
    return space;
  }
}

interface ResolvedTarget {
  space: TenantSpace;
  response: StoredResponse | undefined;
  role: ItemRole;
  conversation: StoredConversation | undefined;
}

/** The lists an append writes to; throws NotFoundError when the tenant has no such target. */
function resolveTarget(space: TenantSpace | undefined, target: ItemTarget): ResolvedTarget {
  if (target.kind === 'conversation') {
    const conversation = space?.conversations.get(target.conversationId);
    if (!space || !conversation) throw new NotFoundError('conversation', target.conversationId);
    return { space, response: undefined, role: 'input', conversation };
  }
  const response = space?.responses.get(target.responseId);
  if (!space || !response) throw new NotFoundError('response', target.responseId);
  const conversationId = response.record.conversationId;
  if (target.conversationId != null && target.conversationId !== conversationId) {
    throw new ConflictError(`response "${target.responseId}" does not belong to conversation "${target.conversationId}"`);
  }
  // A conversation deleted while its response runs no longer receives the response's items.
  const conversation = conversationId === null ? undefined : space.conversations.get(conversationId);
  return { space, response, role: target.role, conversation };
}

/** Throws ConflictError when an item id is stored already or appears twice in the batch. */
function assertItemIdsFree(space: TenantSpace, items: readonly Item[]): void {
  const batchIds = new Set<string>();
  for (const item of items) {
    if (space.items.has(item.id) || batchIds.has(item.id)) throw new ConflictError(`item "${item.id}" is already stored`);
    batchIds.add(item.id);
  }
}

/** Writes items (already checked) after the last of each list of the target. */
function placeItems({ space, response, role, conversation }: ResolvedTarget, items: readonly Item[]): void {
  for (const item of items) {
    space.items.set(item.id, {
      item: structuredClone(item),
      response: response ? { id: response.record.id, role } : null,
      conversationId: conversation?.record.id ?? null,
    });
    response?.itemIds[role].push(item.id);
    conversation?.itemIds.push(item.id);
  }
}

/** Throws ConflictError unless the events' sequence numbers grow, after the last one stored. */
function assertEventsFollow(response: StoredResponse, events: readonly StoredEvent[]): void {
  let last = response.events.at(-1)?.sequenceNumber ?? -Infinity;
  for (const event of events) {
    if (event.sequenceNumber <= last) {
      throw new ConflictError(`event ${event.sequenceNumber} of response "${response.record.id}" does not follow ${last}`);
    }
    last = event.sequenceNumber;
  }
}

function patchResponse(response: StoredResponse, patch: ResponsePatch): ResponseRecord {
  const p = structuredClone(patch);
  const r = response.record;
  // Only the patchable fields are read, so a stray `id` or `tenant` in the patch changes nothing.
  response.record = {
    ...r,
    status: p.status ?? r.status,
    usage: p.usage === undefined ? r.usage : p.usage,
    error: p.error === undefined ? r.error : p.error,
    incompleteDetails: p.incompleteDetails === undefined ? r.incompleteDetails : p.incompleteDetails,
    completedAt: p.completedAt === undefined ? r.completedAt : p.completedAt,
    request: p.request ?? r.request,
    metadata: p.metadata ?? r.metadata,
    expiresAt: p.expiresAt === undefined ? r.expiresAt : p.expiresAt,
  };
  return structuredClone(response.record);
}

/** Drops a conversation's hold on an item; the item goes when no response list holds it either. */
function releaseFromConversation(space: TenantSpace, itemId: string): void {
  const stored = space.items.get(itemId);
  if (!stored) return;
  if (stored.response === null) space.items.delete(itemId);
  else stored.conversationId = null;
}

function readItems(space: TenantSpace, ids: readonly string[]): Item[] {
  const items: Item[] = [];
  for (const id of ids) {
    const stored = space.items.get(id);
    if (stored) items.push(structuredClone(stored.item));
  }
  return items;
}

/** A cursor page over an ordered id list, read in either direction. */
function pageOf(space: TenantSpace, ids: readonly string[], request: PageRequest | undefined): Page<Item> {
  const { after, limit, order } = resolvePageRequest(request);
  const step = order === 'asc' ? 1 : -1;
  let start = order === 'asc' ? 0 : ids.length - 1;
  if (after !== undefined) {
    const at = ids.indexOf(after);
    if (at === -1) return { data: [], firstId: null, lastId: null, hasMore: false };
    start = at + step;
  }
  const pageIds: string[] = [];
  let at = start;
  for (; at >= 0 && at < ids.length && pageIds.length < limit; at += step) pageIds.push(ids[at] as string);
  const data = readItems(space, pageIds);
  return {
    data,
    firstId: data[0]?.id ?? null,
    lastId: data.at(-1)?.id ?? null,
    hasMore: at >= 0 && at < ids.length,
  };
}

/** A page of records (held oldest first, as created), newest first, after the record `after` names. */
function newestFirst<T extends { id: string }>(records: readonly T[], request: Omit<PageRequest, 'order'>): Page<T> {
  const { after, limit } = resolvePageRequest(request);
  let start = records.length - 1;
  if (after !== undefined) {
    start = records.findIndex((record) => record.id === after) - 1;
    if (start === -2) return { data: [], firstId: null, lastId: null, hasMore: false };
  }
  const data: T[] = [];
  let at = start;
  for (; at >= 0 && data.length < limit; at -= 1) data.push(structuredClone(records[at]!));
  return { data, firstId: data[0]?.id ?? null, lastId: data.at(-1)?.id ?? null, hasMore: at >= 0 };
}

function usageKey(hour: UsageHour): string {
  return JSON.stringify([hour.hourStart, hour.tenant, hour.model]);
}

/** Ordinal order (the SQL stores' binary collation), not the locale's. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
