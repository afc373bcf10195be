import type { ConversationRecord, Item, NewResponseRecord, ResponsePatch, ResponseRecord } from '@agentport/core';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ConversationRow, ResponseRow } from './schema/store-tables.js';

/*
 * Records to rows and back. Every query of the stores goes through kysely, which binds each value
 * as a parameter: MikroORM's own queries inline values into the SQL text, and SQLite cuts a
 * statement at a NUL byte, so an id like "resp_\0x" could not even be looked up that way.
 *
 * JSON columns are written as text. SQLite hands them back as text, PostgreSQL's driver as parsed
 * values; every JSON column holds an object (or null), so a string read back is always text to parse.
 */

/** The row of a new response. */
export function responseRow(record: NewResponseRecord, owner: string | null = null): Insertable<ResponseRow> {
  return {
    owner,
    tenant: record.tenant,
    id: record.id,
    model: record.model,
    status: record.status,
    previous_response_id: record.previousResponseId ?? null,
    conversation_id: record.conversationId ?? null,
    request: JSON.stringify(record.request),
    usage: jsonOrNull(record.usage),
    error: jsonOrNull(record.error),
    incomplete_details: jsonOrNull(record.incompleteDetails),
    metadata: JSON.stringify(record.metadata),
    background: record.background ? 1 : 0,
    created_at: record.createdAt,
    completed_at: record.completedAt ?? null,
    expires_at: record.expiresAt ?? null,
  };
}

/**
 * The columns a patch changes. Only the patchable fields are read, so a stray `id` or
 * `tenant` in the patch changes nothing; `undefined` leaves a field as it is.
 */
export function patchColumns(patch: ResponsePatch): Updateable<ResponseRow> {
  return {
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.usage !== undefined && { usage: jsonOrNull(patch.usage) }),
    ...(patch.error !== undefined && { error: jsonOrNull(patch.error) }),
    ...(patch.incompleteDetails !== undefined && { incomplete_details: jsonOrNull(patch.incompleteDetails) }),
    ...(patch.completedAt !== undefined && { completed_at: patch.completedAt }),
    ...(patch.metadata !== undefined && { metadata: JSON.stringify(patch.metadata) }),
    ...(patch.expiresAt !== undefined && { expires_at: patch.expiresAt }),
    ...(patch.request !== undefined && { request: JSON.stringify(patch.request) }),
  };
}

export function toResponseRecord(row: Selectable<ResponseRow>): ResponseRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    model: row.model,
    status: row.status,
    previousResponseId: row.previous_response_id,
    conversationId: row.conversation_id,
    request: readJson(row.request) as ResponseRecord['request'],
    usage: parseOrNull(row.usage) as ResponseRecord['usage'],
    error: parseOrNull(row.error) as ResponseRecord['error'],
    incompleteDetails: parseOrNull(row.incomplete_details) as ResponseRecord['incompleteDetails'],
    metadata: readJson(row.metadata) as ResponseRecord['metadata'],
    background: Boolean(row.background),
    createdAt: row.created_at,
    completedAt: row.completed_at,
    expiresAt: row.expires_at,
  };
}

/** What a read of a just-created response gives back: the record after a trip through JSON. */
export function storedResponseRecord(record: NewResponseRecord): ResponseRecord {
  return jsonCopy({
    id: record.id,
    tenant: record.tenant,
    model: record.model,
    status: record.status,
    previousResponseId: record.previousResponseId ?? null,
    conversationId: record.conversationId ?? null,
    request: record.request,
    usage: record.usage ?? null,
    error: record.error ?? null,
    incompleteDetails: record.incompleteDetails ?? null,
    metadata: record.metadata,
    background: record.background,
    createdAt: record.createdAt,
    completedAt: record.completedAt ?? null,
    expiresAt: record.expiresAt ?? null,
  });
}

export function conversationRow(record: ConversationRecord): Insertable<ConversationRow> {
  return { tenant: record.tenant, id: record.id, metadata: JSON.stringify(record.metadata), created_at: record.createdAt };
}

export function toConversationRecord(row: Selectable<ConversationRow>): ConversationRecord {
  return { id: row.id, tenant: row.tenant, metadata: readJson(row.metadata) as ConversationRecord['metadata'], createdAt: row.created_at };
}

export function storedConversationRecord(record: ConversationRecord): ConversationRecord {
  return jsonCopy({ id: record.id, tenant: record.tenant, metadata: record.metadata, createdAt: record.createdAt });
}

export function parseItem(payload: unknown): Item {
  return readJson(payload) as Item;
}

/** A JSON column as read: text (SQLite) or already parsed (PostgreSQL). */
export function readJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function jsonOrNull(value: unknown): string | null {
  return value == null ? null : JSON.stringify(value);
}

function parseOrNull(value: unknown): unknown {
  return value === null ? null : readJson(value);
}

/** A deep copy as the database returns it: what JSON cannot hold (undefined, functions) is dropped. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
