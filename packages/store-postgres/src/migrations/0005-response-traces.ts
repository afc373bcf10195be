import type { Migration } from '@agentport/store-sql';

/** Each response's trace for the trace viewer, and the indexes its lists read newest first. */
export const responseTraces: Migration = {
  version: 5,
  name: 'response-traces',
  statements: [
    'create table "response_traces" ("response_seq" bigint not null, "spans" json not null, constraint "response_traces_pkey" primary key ("response_seq"))',
    'alter table "response_traces" add constraint "response_traces_response_seq_foreign" foreign key ("response_seq") '
      + 'references "responses" ("seq") on update no action on delete cascade',
    'create index "responses_tenant_seq_index" on "responses" ("tenant", "seq")',
    'create index "conversations_tenant_seq_index" on "conversations" ("tenant", "seq")',
  ],
};
