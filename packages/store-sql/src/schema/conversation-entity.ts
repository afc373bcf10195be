import { defineEntity, p } from '@mikro-orm/core';
import { Int64Type } from './int64-type.js';

/**
 * A conversation. `seq` is the storage key the items point at; `(tenant, id)` is how the
 * port finds it, so the same public id may exist once per tenant.
 */
export const ConversationEntity = defineEntity({
  name: 'StoredConversation',
  tableName: 'conversations',
  properties: {
    seq: p.type(Int64Type).primary().autoincrement(),
    tenant: p.text(),
    id: p.text(),
    metadata: p.json<Record<string, string>>().columnType('json'),
    createdAt: p.type(Int64Type),
  },
  uniques: [{ name: 'conversations_tenant_id_unique', properties: ['tenant', 'id'] }],
  // The trace viewer lists a tenant's conversations newest first.
  indexes: [{ name: 'conversations_tenant_seq_index', properties: ['tenant', 'seq'] }],
});
