import {
  ConflictError, NotFoundError, type ConversationRecord, type ItemRole, type ItemTarget, type ResponsePatch, type ResponseRecord, type StoredEvent,
} from '@agentport/core';
import type { AppendDestination } from './item-lists.js';
import { ONE_ROW } from './one-row.js';
import { patchColumns, readJson, toConversationRecord, toResponseRecord } from './record-mapping.js';
import type { RowLocking, StoreDb } from './sql-database.js';

/**
 * Events per row of the event log. A row holds a run of consecutive events (one flush of a
 * response: a step's deltas), keyed by its last sequence number: a row per delta would cost
 * an insert and an index entry per token.
 */
const EVENTS_PER_ROW = 500;

/** A response's key; with `row-locks`, also locked until the transaction ends, for a write that appends under it. */
export function findResponse(db: StoreDb, tenant: string, id: string, locking?: RowLocking) {
  const query = db.selectFrom('responses').select(['seq', 'conversation_id']).where('tenant', '=', tenant).where('id', '=', id);
  return (locking === 'row-locks' ? query.forUpdate() : query).executeTakeFirst();
}

export async function readResponse(db: StoreDb, tenant: string, id: string): Promise<ResponseRecord | undefined> {
  const row = await db.selectFrom('responses').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row && toResponseRecord(row);
}

/** A conversation's key; with `row-locks`, also locked until the transaction ends, for a write that appends under it. */
export function findConversation(db: StoreDb, tenant: string, id: string, locking?: RowLocking) {
  const query = db.selectFrom('conversations').select('seq').where('tenant', '=', tenant).where('id', '=', id);
  return (locking === 'row-locks' ? query.forUpdate() : query).executeTakeFirst();
}

export async function readConversation(db: StoreDb, tenant: string, id: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row && toConversationRecord(row);
}

/** Applies a patch; undefined when the tenant has no such response. */
export async function patchResponse(db: StoreDb, tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined> {
  const changes = patchColumns(patch);
  if (Object.keys(changes).length === 0) return readResponse(db, tenant, id);
  const row = await db.updateTable('responses').set(changes).where('tenant', '=', tenant).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toResponseRecord(row);
}

/** Runs an insert; a clash on a unique key (tenant and id) is a ConflictError saying `conflict`. */
export async function insertUnique<Result>(
  insert: { execute(): Promise<Result> }, conflict: string, isUniqueViolation: (error: unknown) => boolean,
): Promise<Result> {
  try {
    return await insert.execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(conflict);
    throw error;
  }
}

/** Appends events after the response's last one; throws ConflictError unless their sequence numbers grow. */
export async function appendEventRows(db: StoreDb, responseSeq: number, responseId: string, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const last = await db.selectFrom('response_events').select('sequence_number')
    .where('response_seq', '=', responseSeq).orderBy('sequence_number', 'desc').limit(ONE_ROW).executeTakeFirst();
  let previous = last?.sequence_number ?? -Infinity;
  for (const event of events) {
    if (event.sequenceNumber <= previous) {
      throw new ConflictError(`event ${event.sequenceNumber} of response "${responseId}" does not follow ${previous}`);
    }
    previous = event.sequenceNumber;
  }
  const rows = [];
  for (let at = 0; at < events.length; at += EVENTS_PER_ROW) {
    const run = events.slice(at, at + EVENTS_PER_ROW);
    const lastEvent = run.at(-1)!;
    rows.push({ response_seq: responseSeq, sequence_number: lastEvent.sequenceNumber, type: lastEvent.type, data: eventRunJson(run) });
  }
  await db.insertInto('response_events').values(rows).execute();
}

/**
 * A run of events as one row's JSON: an array of `{ sequenceNumber, type, data }`. An event's
 * data is written as the text the writer gave with it (what its client was sent), serialized
 * here only when it gave none.
 */
function eventRunJson(run: readonly StoredEvent[]): string {
  let text = '[';
  for (const [index, event] of run.entries()) {
    if (index > 0) text += ',';
    text += event.json === undefined
      ? JSON.stringify({ sequenceNumber: event.sequenceNumber, type: event.type, data: event.data })
      : `{"sequenceNumber":${event.sequenceNumber},"type":${JSON.stringify(event.type)},"data":${event.json}}`;
  }
  return `${text}]`;
}

/** Deletes the events above `after`; a row that holds events on both sides is written again with those at or below it. */
export async function truncateEventRows(db: StoreDb, responseSeq: number, responseId: string, after: number): Promise<void> {
  const rows = await db.selectFrom('response_events').select(['sequence_number', 'type', 'data'])
    .where('response_seq', '=', responseSeq).where('sequence_number', '>', after).orderBy('sequence_number').execute();
  if (rows.length === 0) return;
  const kept = eventsOfRow(rows[0]!.sequence_number, rows[0]!.type, rows[0]!.data).filter((event) => event.sequenceNumber <= after);
  await db.deleteFrom('response_events').where('response_seq', '=', responseSeq).where('sequence_number', '>', after).execute();
  await appendEventRows(db, responseSeq, responseId, kept);
}

/** The events after `after` (all when undefined); undefined when the tenant has no such response. */
export async function readEventRows(db: StoreDb, tenant: string, responseId: string, after: number | undefined): Promise<StoredEvent[] | undefined> {
  // One query: the response row tells "unknown response" from "no events yet". A row's key is
  // its last event, so the rows above `after` hold every event above it.
  const rows = await db.selectFrom('responses as r')
    .leftJoin('response_events as e', (join) => {
      const on = join.onRef('e.response_seq', '=', 'r.seq');
      return after === undefined ? on : on.on('e.sequence_number', '>', after);
    })
    .select(['e.sequence_number', 'e.type', 'e.data'])
    .where('r.tenant', '=', tenant)
    .where('r.id', '=', responseId)
    .orderBy('e.sequence_number')
    .execute();
  if (rows.length === 0) return undefined;
  const events: StoredEvent[] = [];
  for (const row of rows) {
    if (row.sequence_number === null || row.type === null || row.data == null) continue;
    for (const event of eventsOfRow(row.sequence_number, row.type, row.data)) {
      if (after === undefined || event.sequenceNumber > after) events.push(event);
    }
  }
  return events;
}

/** The events of one row: a run of events, or one event's data (a row written before runs were kept). */
function eventsOfRow(sequenceNumber: number, type: string, data: unknown): StoredEvent[] {
  const value = readJson(data);
  return Array.isArray(value) ? value as StoredEvent[] : [{ sequenceNumber, type, data: value as StoredEvent['data'] }];
}

/** An item of the tenant's conversation, through the conversation: an id alone reaches nothing. */
export function conversationItem(db: StoreDb, tenant: string, conversationId: string, itemId: string) {
  return db.selectFrom('items as i')
    .innerJoin('conversations as c', 'c.seq', 'i.conversation_seq')
    .where('c.tenant', '=', tenant)
    .where('c.id', '=', conversationId)
    .where('i.tenant', '=', tenant)
    .where('i.id', '=', itemId);
}

/**
 * The lists an append writes to. A response's items also go to the conversation its record
 * names, if that conversation (of this tenant) still exists; throws NotFoundError for an
 * unknown target and ConflictError when `target.conversationId` is not the response's.
 * With `row-locks`, the lists' rows are locked, the response's before its conversation's (every
 * write takes them in that order, so two writes never wait on each other in a cycle).
 */
export async function resolveDestination(db: StoreDb, tenant: string, target: ItemTarget, locking: RowLocking): Promise<AppendDestination> {
  if (target.kind === 'conversation') {
    const conversation = await findConversation(db, tenant, target.conversationId, locking);
    if (!conversation) throw new NotFoundError('conversation', target.conversationId);
    return { response: null, conversationSeq: conversation.seq };
  }
  const response = await findResponse(db, tenant, target.responseId, locking);
  if (!response) throw new NotFoundError('response', target.responseId);
  if (target.conversationId != null && target.conversationId !== response.conversation_id) {
    throw new ConflictError(`response "${target.responseId}" does not belong to conversation "${target.conversationId}"`);
  }
  return responseDestination(db, tenant, response, target.role, locking);
}

/**
 * The lists of a response found already (its key from `findResponse`, or its insert): its own
 * list of `role`, and the conversation its record names if that conversation (of this tenant)
 * still exists, locked with `row-locks`.
 */
export async function responseDestination(
  db: StoreDb, tenant: string, response: { seq: number; conversation_id: string | null }, role: ItemRole, locking: RowLocking, empty = false,
): Promise<AppendDestination> {
  const conversation = response.conversation_id === null ? undefined : await findConversation(db, tenant, response.conversation_id, locking);
  return { response: { responseSeq: response.seq, role, ...(empty ? { empty } : {}) }, conversationSeq: conversation?.seq ?? null };
}
