import type { Migration } from '@agentport/store-sql';

/**
 * Conversations, responses, items (each stored once, in at most one response list and one
 * conversation) and the event log. Written from `orm.schema.getCreateSchemaSQL()` of the
 * shared entities at version 1 and frozen: later changes are new migrations. Keys and times are
 * `bigint`; JSON is `json`, kept as written (`jsonb` would reorder keys).
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  statements: [
    'create table "conversations" ("seq" bigserial primary key, "tenant" text not null, "id" text not null, '
      + '"metadata" json not null, "created_at" bigint not null)',
    'alter table "conversations" add constraint "conversations_tenant_id_unique" unique ("tenant", "id")',

    'create table "responses" ("seq" bigserial primary key, "tenant" text not null, "id" text not null, "model" text not null, '
      + '"status" text not null, "previous_response_id" text null, "conversation_id" text null, "request" json not null, '
      + '"usage" json null, "error" json null, "incomplete_details" json null, "metadata" json not null, "background" boolean not null, '
      + '"created_at" bigint not null, "completed_at" bigint null, "expires_at" bigint null)',
    'create index "responses_status_expires_at_index" on "responses" ("status", "expires_at")',
    'create index "responses_status_created_at_index" on "responses" ("status", "created_at")',
    'alter table "responses" add constraint "responses_tenant_id_unique" unique ("tenant", "id")',
    'alter table "responses" add constraint "responses_status_check" '
      + 'check ("status" in (\'queued\', \'in_progress\', \'completed\', \'incomplete\', \'failed\', \'cancelled\'))',

    'create table "items" ("seq" bigserial primary key, "tenant" text not null, "id" text not null, "type" text not null, '
      + '"response_seq" bigint null, "role" text null, "response_position" int null, "conversation_seq" bigint null, '
      + '"conversation_position" int null, "payload" json not null)',
    'alter table "items" add constraint "items_tenant_id_unique" unique ("tenant", "id")',
    'alter table "items" add constraint "items_response_list_unique" unique ("response_seq", "role", "response_position")',
    'alter table "items" add constraint "items_conversation_list_unique" unique ("conversation_seq", "conversation_position")',
    'alter table "items" add constraint "items_role_check" check ("role" in (\'input\', \'output\'))',

    'create table "response_events" ("response_seq" bigint not null, "sequence_number" int not null, "type" text not null, '
      + '"data" json not null, primary key ("response_seq", "sequence_number"))',

    'alter table "items" add constraint "items_response_seq_foreign" foreign key ("response_seq") references "responses" ("seq") '
      + 'on update no action on delete set null',
    'alter table "items" add constraint "items_conversation_seq_foreign" foreign key ("conversation_seq") references "conversations" ("seq") '
      + 'on update no action on delete set null',
    'alter table "response_events" add constraint "response_events_response_seq_foreign" foreign key ("response_seq") '
      + 'references "responses" ("seq") on update no action on delete cascade',
  ],
};
