import type { Migration } from './migration.js';

/**
 * Conversations, responses, items (each stored once, in at most one response list and one
 * conversation) and the event log. Written from `orm.schema.getCreateSchemaSQL()` of the
 * entities at version 1 and frozen: later changes are new migrations.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  statements: [
    'create table `conversations` (`seq` integer not null primary key autoincrement, `tenant` text not null, `id` text not null, '
      + '`metadata` json not null, `created_at` integer not null)',
    'create unique index `conversations_tenant_id_unique` on `conversations` (`tenant`, `id`)',

    'create table `responses` (`seq` integer not null primary key autoincrement, `tenant` text not null, `id` text not null, '
      + '`model` text not null, '
      + "`status` text check (`status` in ('queued', 'in_progress', 'completed', 'incomplete', 'failed', 'cancelled')) not null, "
      + '`previous_response_id` text null, `conversation_id` text null, `request` json not null, `usage` json null, `error` json null, '
      + '`incomplete_details` json null, `metadata` json not null, `background` integer not null, `created_at` integer not null, '
      + '`completed_at` integer null, `expires_at` integer null)',
    'create index `responses_status_expires_at_index` on `responses` (`status`, `expires_at`)',
    'create index `responses_status_created_at_index` on `responses` (`status`, `created_at`)',
    'create unique index `responses_tenant_id_unique` on `responses` (`tenant`, `id`)',

    'create table `items` (`seq` integer not null primary key autoincrement, `tenant` text not null, `id` text not null, '
      + '`type` text not null, `response_seq` integer null, '
      + "`role` text check (`role` in ('input', 'output')) null, `response_position` integer null, "
      + '`conversation_seq` integer null, `conversation_position` integer null, `payload` json not null, '
      + 'constraint `items_response_seq_foreign` foreign key (`response_seq`) references `responses` (`seq`) '
      + 'on update no action on delete set null, '
      + 'constraint `items_conversation_seq_foreign` foreign key (`conversation_seq`) references `conversations` (`seq`) '
      + 'on update no action on delete set null)',
    'create unique index `items_tenant_id_unique` on `items` (`tenant`, `id`)',
    'create unique index `items_response_list_unique` on `items` (`response_seq`, `role`, `response_position`)',
    'create unique index `items_conversation_list_unique` on `items` (`conversation_seq`, `conversation_position`)',

    'create table `response_events` (`response_seq` integer not null, `sequence_number` integer not null, `type` text not null, '
      + '`data` json not null, primary key (`response_seq`, `sequence_number`), '
      + 'constraint `response_events_response_seq_foreign` foreign key (`response_seq`) references `responses` (`seq`) '
      + 'on update no action on delete cascade)',
  ],
};
