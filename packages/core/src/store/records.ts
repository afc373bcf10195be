import type { Item } from '../items/item.js';
import type { JsonObject } from '../schema/json-schema.js';
import type { SpanRecord } from '../tracing/span-record.js';

export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

export const TERMINAL_RESPONSE_STATUSES: ReadonlySet<ResponseStatus> = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

export interface ResponseError {
  code: string;
  message: string;
}

/** A stored response. Times are Unix seconds, as the Responses API reports them. */
export interface ResponseRecord {
  id: string;
  tenant: string;
  model: string;
  status: ResponseStatus;
  previousResponseId: string | null;
  conversationId: string | null;
  /** The request as accepted (instructions, tools, sampling, …), for retrieval. */
  request: JsonObject;
  usage: JsonObject | null;
  error: ResponseError | null;
  incompleteDetails: { reason: string } | null;
  metadata: Record<string, string>;
  background: boolean;
  createdAt: number;
  completedAt: number | null;
  /** When retention may purge it; null keeps it. */
  expiresAt: number | null;
}

export type NewResponseRecord = Omit<ResponseRecord, 'completedAt'> & { completedAt?: number | null };

/** The fields a running response changes. */
/** `request` is the host's (the gateway counts a background response's resumes there). */
export type ResponsePatch = Partial<Pick<ResponseRecord,
  'status' | 'usage' | 'error' | 'incompleteDetails' | 'completedAt' | 'metadata' | 'expiresAt' | 'request'>>;

export interface ConversationRecord {
  id: string;
  tenant: string;
  metadata: Record<string, string>;
  createdAt: number;
}

/** Which list of a response an item belongs to. */
export type ItemRole = 'input' | 'output';

/**
 * Where appended items go: a response's input or output (and its conversation), or a conversation alone.
 * A response's items also go to the conversation its record names (unless it has been deleted since);
 * `conversationId`, when given, must be that one.
 */
export type ItemTarget =
  | { kind: 'response'; responseId: string; role: ItemRole; conversationId?: string | null }
  | { kind: 'conversation'; conversationId: string };

/** Where a turn's history comes from. */
export type HistorySource =
  | { kind: 'previous_response'; responseId: string }
  | { kind: 'conversation'; conversationId: string };

/** A cursor page over an ordered list of items (see `resolvePageRequest` for the defaults). */
export interface PageRequest {
  /** An item id: the page starts after it, in the requested order. An id not in the list gives an empty page. */
  after?: string;
  /** 1 to 100 (clamped); 20 when not given. */
  limit?: number;
  /** `desc` (newest first) when not given, as OpenAI's item lists default. */
  order?: 'asc' | 'desc';
}

/** One page: `firstId`/`lastId` are the ids of `data`'s ends (null when empty); `hasMore` says items follow `lastId`. */
export interface Page<T> {
  data: T[];
  firstId: string | null;
  lastId: string | null;
  hasMore: boolean;
}

/** One event of a response's stream, as the encoder produced it. */
export interface StoredEvent {
  sequenceNumber: number;
  type: string;
  data: JsonObject;
  /** `data` as JSON text, when the writer has it already (it sent the event): a store may write it as is instead of serializing `data` again. */
  json?: string;
}

/** What a response writes when it ends: its last output items and events, and its final state. */
/** What a running response made since its last write. */
export interface ResponseProgress {
  /** Output items, appended after those already there (and to the response's conversation). */
  items: readonly Item[];
  /** Events of its stream, after those already stored. */
  events: readonly StoredEvent[];
  /**
   * Spans of its trace (the trace viewer's) started or changed since its last write: each replaces
   * the stored span with its id, and new ones go after those stored. A span is written again only
   * while it is open, so a run's trace costs writes in proportion to its spans.
   */
  spans?: readonly SpanRecord[];
}

export interface ResponseEnding extends ResponseProgress {
  patch: ResponsePatch;
}

/** Which of a tenant's responses a list shows, newest first. */
export interface ResponseListQuery {
  /** A response id: the page starts after it. An id not in the list gives an empty page. */
  after?: string;
  /** 1 to 100 (clamped); 20 when not given. */
  limit?: number;
  /** Only the responses of this conversation. */
  conversationId?: string;
}

/** A response named by its tenant and id. */
export interface ResponseRef {
  tenant: string;
  id: string;
}

export type { Item };
