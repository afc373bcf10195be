import type { Migration } from './migration.js';

/** Each response's spans for the trace viewer, and the indexes its lists read newest first. */
export const responseTraces: Migration = {
  version: 4,
  name: 'response-traces',
  statements: [
    'create table `response_spans` (`response_seq` integer not null, `position` integer not null, `span_id` text not null, `span` json not null, '
      + 'primary key (`response_seq`, `position`), '
      + 'constraint `response_spans_response_seq_foreign` foreign key (`response_seq`) references `responses` (`seq`) '
      + 'on update no action on delete cascade)',
    'create unique index `response_spans_response_seq_span_id_unique` on `response_spans` (`response_seq`, `span_id`)',
    'create index `responses_tenant_seq_index` on `responses` (`tenant`, `seq`)',
    'create index `conversations_tenant_seq_index` on `conversations` (`tenant`, `seq`)',
  ],
};
