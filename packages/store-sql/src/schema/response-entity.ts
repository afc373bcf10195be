import type { JsonObject, ResponseError, ResponseStatus } from '@agentport/core';
import { defineEntity, p } from '@mikro-orm/core';
import { Int64Type } from './int64-type.js';

/** Every status a stored response can have; the column accepts no other. */
export const RESPONSE_STATUSES = [
  'queued', 'in_progress', 'completed', 'incomplete', 'failed', 'cancelled',
] as const satisfies readonly ResponseStatus[];

/**
 * A response, without its items (those are rows of `items`, stored once). `previousResponseId`
 * and `conversationId` are plain values, not foreign keys: the port keeps them as given even
 * when they name something gone or another tenant's, and reads never follow them across tenants.
 */
export const ResponseEntity = defineEntity({
  name: 'StoredResponse',
  tableName: 'responses',
  properties: {
    seq: p.type(Int64Type).primary().autoincrement(),
    tenant: p.text(),
    id: p.text(),
    model: p.text(),
    status: p.enum(RESPONSE_STATUSES),
    previousResponseId: p.text().nullable(),
    conversationId: p.text().nullable(),
    request: p.json<JsonObject>().columnType('json'),
    usage: p.json<JsonObject>().columnType('json').nullable(),
    error: p.json<ResponseError>().columnType('json').nullable(),
    incompleteDetails: p.json<{ reason: string }>().columnType('json').nullable(),
    metadata: p.json<Record<string, string>>().columnType('json'),
    background: p.boolean(),
    createdAt: p.type(Int64Type),
    completedAt: p.type(Int64Type).nullable(),
    expiresAt: p.type(Int64Type).nullable(),
    // The instance (`store_instances.id`) running it while it is queued or in progress; a plain value, no foreign key.
    owner: p.text().nullable(),
  },
  uniques: [{ name: 'responses_tenant_id_unique', properties: ['tenant', 'id'] }],
  indexes: [
    // Retention seeks finished responses by expiry and by age, one range per status, without
    // touching running ones; recovery at start finds the unfinished through either prefix.
    { name: 'responses_status_expires_at_index', properties: ['status', 'expiresAt'] },
    { name: 'responses_status_created_at_index', properties: ['status', 'createdAt'] },
    // The trace viewer lists a tenant's responses newest first.
    { name: 'responses_tenant_seq_index', properties: ['tenant', 'seq'] },
  ],
});
