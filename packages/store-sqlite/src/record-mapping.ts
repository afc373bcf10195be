import type { ConversationRecord, Item, NewResponseRecord, ResponsePatch, ResponseRecord } from '@agentport/core';
import type { InferEntity } from '@mikro-orm/core';
import type { ConversationEntity } from './schema/conversation-entity.js';
import type { ResponseEntity } from './schema/response-entity.js';

type StoredResponse = InferEntity<typeof ResponseEntity>;
type StoredConversation = InferEntity<typeof ConversationEntity>;

/** The columns of a new response, as the entity names them. */
export function responseColumns(record: NewResponseRecord) {
  return {
    tenant: record.tenant,
    id: record.id,
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
  };
}

/**
 * The columns a patch changes. Only the patchable fields are read, so a stray `id` or
 * `tenant` in the patch changes nothing; `undefined` leaves a field as it is.
 */
export function patchColumns(patch: ResponsePatch) {
  return {
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.usage !== undefined && { usage: patch.usage }),
    ...(patch.error !== undefined && { error: patch.error }),
    ...(patch.incompleteDetails !== undefined && { incompleteDetails: patch.incompleteDetails }),
    ...(patch.completedAt !== undefined && { completedAt: patch.completedAt }),
    ...(patch.metadata !== undefined && { metadata: patch.metadata }),
    ...(patch.expiresAt !== undefined && { expiresAt: patch.expiresAt }),
  };
}

export function toResponseRecord(row: StoredResponse): ResponseRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    model: row.model,
    status: row.status,
    previousResponseId: row.previousResponseId ?? null,
    conversationId: row.conversationId ?? null,
    request: row.request,
    usage: row.usage ?? null,
    error: row.error ?? null,
    incompleteDetails: row.incompleteDetails ?? null,
    metadata: row.metadata,
    background: row.background,
    createdAt: row.createdAt,
    completedAt: row.completedAt ?? null,
    expiresAt: row.expiresAt ?? null,
  };
}

/** What a read of a just-created response gives back: the record after a trip through JSON. */
export function storedResponseRecord(record: NewResponseRecord): ResponseRecord {
  const stored: ResponseRecord = responseColumns(record);
  return jsonCopy(stored);
}

export function toConversationRecord(row: StoredConversation): ConversationRecord {
  return { id: row.id, tenant: row.tenant, metadata: row.metadata, createdAt: row.createdAt };
}

export function storedConversationRecord(record: ConversationRecord): ConversationRecord {
  return jsonCopy({ id: record.id, tenant: record.tenant, metadata: record.metadata, createdAt: record.createdAt });
}

export function parseItem(payload: string): Item {
  return JSON.parse(payload) as Item;
}

/** A deep copy as the database returns it: what JSON cannot hold (undefined, functions) is dropped. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
