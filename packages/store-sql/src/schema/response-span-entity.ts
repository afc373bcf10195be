import { defineEntity, p } from '@mikro-orm/core';
import type { SpanRecord } from '@agentport/core';
import { ResponseEntity } from './response-entity.js';

/**
 * One span of a response's trace, for the trace viewer: a row per span (apart from `responses`,
 * so reading a response never reads its trace), rewritten only while the span is open. `position`
 * keeps them in the order first written; they go with their response (`on delete cascade`).
 */
export const ResponseSpanEntity = defineEntity({
  name: 'StoredResponseSpan',
  tableName: 'response_spans',
  properties: {
    // The primary key starts with it, so no separate foreign-key index.
    response: () => p.manyToOne(ResponseEntity).primary().deleteRule('cascade').updateRule('no action').index(false),
    position: p.integer().primary(),
    spanId: p.text(),
    span: p.json<SpanRecord>().columnType('json'),
  },
  uniques: [{ name: 'response_spans_response_seq_span_id_unique', properties: ['response', 'spanId'] }],
});
