import {
  type Item, type ItemRole, type JsonObject, type JsonValue, type ResponseRecord, type ResponseRef, type StateStore, TERMINAL_RESPONSE_STATUSES,
} from '@agentport/core';
import type { CreateResponseParams } from '../request/create-response-params.js';
import { type ParseOptions, parseCreateResponse } from '../request/parse-create-response.js';

/**
 * A background response a previous process left running, as its last checkpoint stored it:
 * the request it was made with, the items before it, its input, the output of the steps it
 * finished, and the last event of its stream that belongs to them.
 */
export interface InterruptedResponse {
  record: ResponseRecord;
  params: CreateResponseParams;
  history: Item[];
  output: Item[];
  /** The last stored event the checkpoint covers; -1 when none was stored (it never got past its opening). */
  lastSequence: number;
  /** Stored events past the checkpoint (a step cut in the middle), to delete before the step runs again. */
  eventsPastCheckpoint: boolean;
  /** How often it was resumed before from this same checkpoint (with no step finished in between). */
  resumes: number;
}

/**
 * Where the request echo counts a response's resumes from one checkpoint (unseen in the response
 * object): `{ count, checkpoint }`. A run that got past its checkpoint since starts again from 0,
 * so restarts of a run that makes progress never end it; a run that dies in the same step does.
 */
export const RESUMES_KEY = 'agentport_resumes';

const PAGE = { limit: 100, order: 'asc' } as const;

/** Reads an interrupted response back; undefined when it is gone or has ended meanwhile. */
export async function loadInterruptedResponse(store: StateStore, ref: ResponseRef, parseOptions: ParseOptions): Promise<InterruptedResponse | undefined> {
  const record = await store.getResponse(ref.tenant, ref.id);
  if (!record || TERMINAL_RESPONSE_STATUSES.has(record.status)) return undefined;
  const input = await allItems(store, ref, 'input');
  const output = await allItems(store, ref, 'output');
  const params: CreateResponseParams = { ...parseCreateResponse(requestOf(record), parseOptions), input };
  const history = await historyBefore(store, record, input);
  const events = await store.readEvents(ref.tenant, ref.id) ?? [];
  // The checkpoint ends with the `output_item.done` of its last item (or, with none, the last opening event).
  const lastItem = output.at(-1);
  let checkpoint = -1;
  for (const event of events) {
    const data = event.data as { item?: { id?: string } };
    if (lastItem ? event.type === 'response.output_item.done' && data.item?.id === lastItem.id : OPENING.has(event.type)) checkpoint = event.sequenceNumber;
  }
  const counted = record.request[RESUMES_KEY] as { count?: unknown; checkpoint?: unknown } | undefined;
  const resumes = typeof counted?.count === 'number' && counted.checkpoint === checkpoint ? counted.count : 0;
  return { record, params, history, output, lastSequence: checkpoint, eventsPastCheckpoint: (events.at(-1)?.sequenceNumber ?? -1) > checkpoint, resumes };
}

const OPENING = new Set(['response.created', 'response.queued', 'response.in_progress']);

/** The create request the stored echo describes, as a client would have sent it (its input is read apart). */
function requestOf(record: ResponseRecord): JsonObject {
  const echo = record.request;
  const body: JsonObject = {
    model: record.model,
    input: [],
    metadata: record.metadata,
    background: true,
    store: true,
    ...(record.previousResponseId ? { previous_response_id: record.previousResponseId } : {}),
    ...(record.conversationId ? { conversation: record.conversationId } : {}),
  };
  for (const key of ['instructions', 'max_output_tokens', 'max_tool_calls', 'parallel_tool_calls', 'temperature', 'top_p', 'presence_penalty',
    'frequency_penalty', 'top_logprobs', 'reasoning', 'text', 'tool_choice', 'tools', 'truncation', 'service_tier', 'safety_identifier', 'prompt_cache_key', 'user', 'include']) {
    const value = withoutNulls(echo[key]);
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/** An echoed value without the nulls the echo fills in for what the request left out (one level into objects and tools). */
function withoutNulls(value: JsonValue | undefined): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((entry) => withoutNulls(entry) ?? null);
  if (typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== null));
}

async function allItems(store: StateStore, ref: ResponseRef, role: ItemRole): Promise<Item[]> {
  const items: Item[] = [];
  for (let after: string | undefined; ;) {
    const page = await store.listResponseItems(ref.tenant, ref.id, role, { ...PAGE, ...(after ? { after } : {}) });
    if (!page) return items;
    items.push(...page.data);
    if (!page.hasMore || page.lastId === null) return items;
    after = page.lastId;
  }
}

/** What the response continued from: its previous response's chain, or its conversation up to its own input. */
async function historyBefore(store: StateStore, record: ResponseRecord, input: readonly Item[]): Promise<Item[]> {
  if (record.previousResponseId) {
    return await store.loadHistory(record.tenant, { kind: 'previous_response', responseId: record.previousResponseId }) ?? [];
  }
  if (record.conversationId) {
    const items = await store.loadHistory(record.tenant, { kind: 'conversation', conversationId: record.conversationId }) ?? [];
    const first = input[0] ? items.findIndex((item) => item.id === input[0]!.id) : -1;
    return first >= 0 ? items.slice(0, first) : items;
  }
  return [];
}
