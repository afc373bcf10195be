import type {
  ConversationRecord, HistorySource, Item, ItemRole, ItemTarget, NewResponseRecord, Page, PageRequest, ResponseEnding,
  ResponseListQuery, ResponsePatch, ResponseProgress, ResponseRecord, ResponseRef, SpanRecord, StateStore, StoredEvent, UsageHour, UsageQuery,
} from '@agentport/core';

/**
 * A `StateStore` that passes every call to a real store and counts the calls that write,
 * and which responses were created, so a test can say "nothing was stored" or "one response
 * exists" through the store the gateway was given.
 */
export class RecordingStateStore implements StateStore {
  /** Write calls, by method name. */
  readonly writes = new Map<string, number>();
  /** `addUsage` calls (the gateway's usage ledger flushing). */
  usageWrites = 0;
  private readonly created: Array<{ tenant: string; id: string }> = [];
  private hold: { reached: () => void; released: Promise<void> } | undefined;

  constructor(readonly inner: StateStore) {}

  /** Every write call made so far. */
  get writeCount(): number {
    return [...this.writes.values()].reduce((sum, count) => sum + count, 0);
  }

  /** How many responses the store holds now, of those created through it. */
  async countResponses(tenant?: string): Promise<number> {
    let count = 0;
    for (const created of this.created) {
      if (tenant !== undefined && created.tenant !== tenant) continue;
      if (await this.inner.getResponse(created.tenant, created.id)) count += 1;
    }
    return count;
  }

  /** The ids of the responses created through it, oldest first. */
  get createdResponseIds(): string[] {
    return this.created.map((created) => created.id);
  }

  /**
   * Makes the next `createResponse` wait until `release` is called (a slow store), and
   * resolves `reached` when it starts waiting.
   */
  holdNextCreateResponse(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => { reached = resolve; });
    this.hold = { reached, released: new Promise<void>((resolve) => { release = resolve; }) };
    return { reached: reachedPromise, release };
  }

  private wrote(method: string): void {
    this.writes.set(method, (this.writes.get(method) ?? 0) + 1);
  }

  async createResponse(record: NewResponseRecord, inputItems?: readonly Item[]): Promise<ResponseRecord> {
    this.wrote('createResponse');
    const hold = this.hold;
    this.hold = undefined;
    if (hold) {
      hold.reached();
      await hold.released;
    }
    const stored = await this.inner.createResponse(record, inputItems);
    this.created.push({ tenant: record.tenant, id: record.id });
    return stored;
  }

  getResponse(tenant: string, id: string): Promise<ResponseRecord | undefined> {
    return this.inner.getResponse(tenant, id);
  }

  updateResponse(tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined> {
    this.wrote('updateResponse');
    return this.inner.updateResponse(tenant, id, patch);
  }

  finishResponse(tenant: string, id: string, ending: ResponseEnding): Promise<ResponseRecord | undefined> {
    this.wrote('finishResponse');
    return this.inner.finishResponse(tenant, id, ending);
  }

  checkpointResponse(tenant: string, id: string, progress: ResponseProgress): Promise<boolean> {
    this.wrote('checkpointResponse');
    return this.inner.checkpointResponse(tenant, id, progress);
  }

  takeInterruptedBackground(): Promise<ResponseRef[]> {
    return this.inner.takeInterruptedBackground();
  }

  truncateEvents(tenant: string, responseId: string, after: number): Promise<void> {
    this.wrote('truncateEvents');
    return this.inner.truncateEvents(tenant, responseId, after);
  }

  deleteResponse(tenant: string, id: string): Promise<boolean> {
    this.wrote('deleteResponse');
    return this.inner.deleteResponse(tenant, id);
  }

  appendItems(tenant: string, target: ItemTarget, items: readonly Item[]): Promise<void> {
    this.wrote('appendItems');
    return this.inner.appendItems(tenant, target, items);
  }

  listResponseItems(tenant: string, responseId: string, role: ItemRole, page?: PageRequest): Promise<Page<Item> | undefined> {
    return this.inner.listResponseItems(tenant, responseId, role, page);
  }

  loadHistory(tenant: string, source: HistorySource): Promise<Item[] | undefined> {
    return this.inner.loadHistory(tenant, source);
  }

  createConversation(record: ConversationRecord): Promise<ConversationRecord> {
    this.wrote('createConversation');
    return this.inner.createConversation(record);
  }

  getConversation(tenant: string, id: string): Promise<ConversationRecord | undefined> {
    return this.inner.getConversation(tenant, id);
  }

  updateConversation(tenant: string, id: string, metadata: Record<string, string>): Promise<ConversationRecord | undefined> {
    this.wrote('updateConversation');
    return this.inner.updateConversation(tenant, id, metadata);
  }

  deleteConversation(tenant: string, id: string): Promise<boolean> {
    this.wrote('deleteConversation');
    return this.inner.deleteConversation(tenant, id);
  }

  listResponses(tenant: string, query?: ResponseListQuery): Promise<Page<ResponseRecord>> {
    return this.inner.listResponses(tenant, query);
  }

  readTrace(tenant: string, id: string): Promise<SpanRecord[] | undefined> {
    return this.inner.readTrace(tenant, id);
  }

  listConversations(tenant: string, page?: Omit<PageRequest, 'order'>): Promise<Page<ConversationRecord>> {
    return this.inner.listConversations(tenant, page);
  }

  listConversationItems(tenant: string, conversationId: string, page?: PageRequest): Promise<Page<Item> | undefined> {
    return this.inner.listConversationItems(tenant, conversationId, page);
  }

  getItem(tenant: string, itemId: string): Promise<Item | undefined> {
    return this.inner.getItem(tenant, itemId);
  }

  getConversationItem(tenant: string, conversationId: string, itemId: string): Promise<Item | undefined> {
    return this.inner.getConversationItem(tenant, conversationId, itemId);
  }

  deleteConversationItem(tenant: string, conversationId: string, itemId: string): Promise<boolean> {
    this.wrote('deleteConversationItem');
    return this.inner.deleteConversationItem(tenant, conversationId, itemId);
  }

  appendEvents(tenant: string, responseId: string, events: readonly StoredEvent[]): Promise<void> {
    this.wrote('appendEvents');
    return this.inner.appendEvents(tenant, responseId, events);
  }

  readEvents(tenant: string, responseId: string, after?: number): Promise<StoredEvent[] | undefined> {
    return this.inner.readEvents(tenant, responseId, after);
  }

  /** Usage is not a response's content (a `store: false` response is billed too): counted apart, in `usageWrites`. */
  addUsage(hours: readonly UsageHour[]): Promise<void> {
    this.usageWrites += 1;
    return this.inner.addUsage(hours);
  }

  readUsage(query: UsageQuery): Promise<UsageHour[]> {
    return this.inner.readUsage(query);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
