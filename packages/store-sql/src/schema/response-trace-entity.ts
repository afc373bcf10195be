import { defineEntity, p } from '@mikro-orm/core';
import type { SpanRecord } from '@agentport/core';
import { ResponseEntity } from './response-entity.js';

/**
 * A response's trace for the trace viewer: its spans as the last write left them, one row per
 * response (apart from `responses`, so reading a response never reads its trace). It goes with
 * its response (`on delete cascade`).
 */
export const ResponseTraceEntity = defineEntity({
  name: 'StoredResponseTrace',
  tableName: 'response_traces',
  properties: {
    response: () => p.manyToOne(ResponseEntity).primary().deleteRule('cascade').updateRule('no action').index(false),
    spans: p.json<SpanRecord[]>().columnType('json'),
  },
});
