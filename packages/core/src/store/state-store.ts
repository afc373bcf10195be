import type {
  ConversationRecord, HistorySource, Item, ItemRole, ItemTarget, NewResponseRecord, Page, PageRequest,
  ResponseEnding, ResponseListQuery, ResponsePatch, ResponseProgress, ResponseRecord, ResponseRef, StoredEvent,
} from './records.js';
import type { SpanRecord } from '../tracing/span-record.js';
import type { UsageHour, UsageQuery } from './usage-records.js';

/**
 * Where responses, conversations, items and event logs live. Every read and write takes the
 * tenant: another tenant's object is not found, never shown. Each item is stored once; a
 * turn's history is loaded in one query, whatever the length of the conversation.
 */
export interface StateStore {
  /**
   * Stores a new response and, in the same transaction, its input items (appended as
   * `appendItems` does to the response's input list and its conversation). All or none:
   * throws ConflictError when the id or an item id is taken.
   */
  createResponse(record: NewResponseRecord, inputItems?: readonly Item[]): Promise<ResponseRecord>;
  getResponse(tenant: string, id: string): Promise<ResponseRecord | undefined>;
  /** Returns the updated record, or undefined when the tenant has no such response. */
  updateResponse(tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined>;
  /**
   * Ends a response in one transaction: appends its output items, then its events, then applies
   * the patch, as `appendItems`, `appendEvents` and `updateResponse` would, all or none.
   * Returns the updated record, or undefined (writing nothing) when the tenant has no such response.
   */
  finishResponse(tenant: string, id: string, ending: ResponseEnding): Promise<ResponseRecord | undefined>;
  /**
   * A running response's progress in one transaction: output items, then events, as
   * `appendItems` and `appendEvents` would, all or none; its state stays as it is. A durable
   * background run writes each step so. Returns false (writing nothing) when the tenant has no such response.
   */
  checkpointResponse(tenant: string, id: string, progress: ResponseProgress): Promise<boolean>;
  /**
   * Background responses another process left `queued` or `in_progress`: found when this store
   * opened (restart recovery) or taken over from an instance whose lease expired. Each is handed
   * over once, to the host that resumes or ends it; a call returns those found since the last.
   */
  takeInterruptedBackground(): Promise<ResponseRef[]>;
  /** The tenant's responses, newest first (the trace viewer's list). */
  listResponses(tenant: string, query?: ResponseListQuery): Promise<Page<ResponseRecord>>;
  /** The spans written with the response's progress, in the order they were first written; empty when none were; undefined when the tenant has no such response. */
  readTrace(tenant: string, id: string): Promise<SpanRecord[] | undefined>;
  /** Deletes the stored events with a sequence number above `after`: a resumed run tells the cut step again. */
  truncateEvents(tenant: string, responseId: string, after: number): Promise<void>;
  /** Deletes the response, its event log and its items that no conversation holds. */
  deleteResponse(tenant: string, id: string): Promise<boolean>;

  /**
   * Appends items in the given order after those already there, all or none. Throws NotFoundError
   * for an unknown target, ConflictError for an item id already stored.
   */
  appendItems(tenant: string, target: ItemTarget, items: readonly Item[]): Promise<void>;
  listResponseItems(tenant: string, responseId: string, role: ItemRole, page?: PageRequest): Promise<Page<Item> | undefined>;
  /** One stored item of the tenant by its id, whatever response or conversation holds it (an input's `item_reference`). */
  getItem(tenant: string, itemId: string): Promise<Item | undefined>;
  /**
   * The items a new turn continues from, oldest first: every response of the
   * `previous_response_id` chain (its input, then its output), or a conversation's items.
   * The chain ends at a response that is gone. Undefined when the tenant has no such response
   * or conversation.
   */
  loadHistory(tenant: string, source: HistorySource): Promise<Item[] | undefined>;

  /** Throws ConflictError when the id is taken. */
  createConversation(record: ConversationRecord): Promise<ConversationRecord>;
  getConversation(tenant: string, id: string): Promise<ConversationRecord | undefined>;
  updateConversation(tenant: string, id: string, metadata: Record<string, string>): Promise<ConversationRecord | undefined>;
  /** Deletes the conversation and its items. */
  deleteConversation(tenant: string, id: string): Promise<boolean>;
  /** The tenant's conversations, newest first (`order` is ignored). */
  listConversations(tenant: string, page?: Omit<PageRequest, 'order'>): Promise<Page<ConversationRecord>>;
  listConversationItems(tenant: string, conversationId: string, page?: PageRequest): Promise<Page<Item> | undefined>;
  getConversationItem(tenant: string, conversationId: string, itemId: string): Promise<Item | undefined>;
  deleteConversationItem(tenant: string, conversationId: string, itemId: string): Promise<boolean>;

  /** Appends events of a response's stream; sequence numbers only grow. Throws NotFoundError for an unknown response. */
  appendEvents(tenant: string, responseId: string, events: readonly StoredEvent[]): Promise<void>;
  /** The stored events with a sequence number above `after` (all when not given), in order. */
  readEvents(tenant: string, responseId: string, after?: number): Promise<StoredEvent[] | undefined>;

  /**
   * Adds usage to the hours it belongs to (one row per tenant, model and hour, summed in place),
   * in one transaction. The gateway sums in memory and calls this every few seconds, not per response.
   */
  addUsage(hours: readonly UsageHour[]): Promise<void>;
  /** The stored hours of `query`'s range, by hour, tenant and model. */
  readUsage(query: UsageQuery): Promise<UsageHour[]>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}
