import type { JsonObject } from '@agentport/core';
import { defineEntity, p } from '@mikro-orm/core';
import { ResponseEntity } from './response-entity.js';

/** One event of a response's stream; the log goes with its response (`on delete cascade`). */
export const ResponseEventEntity = defineEntity({
  name: 'StoredResponseEvent',
  tableName: 'response_events',
  properties: {
    // The primary key starts with it, so no separate foreign-key index.
    response: () => p.manyToOne(ResponseEntity).primary().deleteRule('cascade').updateRule('no action').index(false),
    sequenceNumber: p.integer().primary(),
    type: p.text(),
    data: p.json<JsonObject>().columnType('json'),
  },
});
