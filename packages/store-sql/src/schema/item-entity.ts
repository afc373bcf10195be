import type { Item, ItemRole } from '@agentport/core';
import { defineEntity, p } from '@mikro-orm/core';
import { Int64Type } from './int64-type.js';
import { ConversationEntity } from './conversation-entity.js';
import { ResponseEntity } from './response-entity.js';

export const ITEM_ROLES = ['input', 'output'] as const satisfies readonly ItemRole[];

/**
 * An item, stored once: it sits in at most one response list (`response` + `role` +
 * `responsePosition`) and at most one conversation (`conversation` + `conversationPosition`).
 * Each list is read in position order through its unique index, which also makes a
 * duplicate position impossible.
 */
export const ItemEntity = defineEntity({
  name: 'StoredItem',
  tableName: 'items',
  properties: {
    seq: p.type(Int64Type).primary().autoincrement(),
    tenant: p.text(),
    id: p.text(),
    type: p.text(),
    // The unique indexes below start with these columns, so no separate foreign-key index.
    response: () => p.manyToOne(ResponseEntity).nullable().deleteRule('set null').updateRule('no action').index(false),
    role: p.enum(ITEM_ROLES).nullable(),
    responsePosition: p.integer().nullable(),
    conversation: () => p.manyToOne(ConversationEntity).nullable().deleteRule('set null').updateRule('no action').index(false),
    conversationPosition: p.integer().nullable(),
    payload: p.json<Item>().columnType('json'),
  },
  uniques: [
    { name: 'items_tenant_id_unique', properties: ['tenant', 'id'] },
    { name: 'items_response_list_unique', properties: ['response', 'role', 'responsePosition'] },
    { name: 'items_conversation_list_unique', properties: ['conversation', 'conversationPosition'] },
  ],
});
