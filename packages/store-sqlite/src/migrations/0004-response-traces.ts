import type { Migration } from './migration.js';

/** Each response's trace for the trace viewer, and the indexes its lists read newest first. */
export const responseTraces: Migration = {
  version: 4,
  name: 'response-traces',
  statements: [
    'create table `response_traces` (`response_seq` integer not null, `spans` json not null, primary key (`response_seq`), '
      + 'constraint `response_traces_response_seq_foreign` foreign key (`response_seq`) references `responses` (`seq`) '
      + 'on update no action on delete cascade)',
    'create index `responses_tenant_seq_index` on `responses` (`tenant`, `seq`)',
    'create index `conversations_tenant_seq_index` on `conversations` (`tenant`, `seq`)',
  ],
};
