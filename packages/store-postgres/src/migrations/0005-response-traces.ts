import type { Migration } from '@agentport/store-sql';

/** Each response's spans for the trace viewer, and the indexes its lists read newest first. */
export const responseTraces: Migration = {
  version: 5,
  name: 'response-traces',
  statements: [
    'create table "response_spans" ("response_seq" bigint not null, "position" int not null, "span_id" text not null, "span" json not null, '
      + 'constraint "response_spans_pkey" primary key ("response_seq", "position"))',
    'alter table "response_spans" add constraint "response_spans_response_seq_span_id_unique" unique ("response_seq", "span_id")',
    'alter table "response_spans" add constraint "response_spans_response_seq_foreign" foreign key ("response_seq") '
      + 'references "responses" ("seq") on update no action on delete cascade',
    'create index "responses_tenant_seq_index" on "responses" ("tenant", "seq")',
    'create index "conversations_tenant_seq_index" on "conversations" ("tenant", "seq")',
  ],
};
