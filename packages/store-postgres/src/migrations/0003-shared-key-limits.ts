import type { Migration } from '@agentport/store-sql';

/**
 * Per-key limits every process on the database holds together: the run slots each instance
 * holds per key, and each key's request bucket. PostgreSQL only: a SQLite file has one process.
 */
export const sharedKeyLimits: Migration = {
  version: 3,
  name: 'shared-key-limits',
  statements: [
    'create table "key_run_slots" ("key" text not null, "instance" text not null, "running" int not null, '
      + 'constraint "key_run_slots_pkey" primary key ("key", "instance"))',
    'create table "key_request_buckets" ("key" text not null, "tokens" double precision not null, "updated_at" bigint not null, '
      + 'constraint "key_request_buckets_pkey" primary key ("key"))',
  ],
};
