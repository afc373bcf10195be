import type { ItemRole, ResponseStatus } from '@agentport/core';
import type { ColumnType, Generated } from 'kysely';

/*
 * The tables as SQL sees them, for the queries written with kysely. JSON columns are written as
 * text; they read back as text (SQLite) or parsed (PostgreSQL's driver), see `readJson`.
 * The entities in this folder describe the same tables; each driver's tests check they agree
 * with its migrations.
 */

/** A JSON column: text when written, text or the parsed value when read. */
export type JsonColumn = ColumnType<unknown, string, string>;

export interface ConversationRow {
  seq: Generated<number>;
  tenant: string;
  id: string;
  metadata: JsonColumn;
  created_at: number;
}

export interface ResponseRow {
  seq: Generated<number>;
  tenant: string;
  id: string;
  model: string;
  status: ResponseStatus;
  previous_response_id: string | null;
  conversation_id: string | null;
  request: JsonColumn;
  usage: ColumnType<unknown, string | null, string | null>;
  error: ColumnType<unknown, string | null, string | null>;
  incomplete_details: ColumnType<unknown, string | null, string | null>;
  metadata: JsonColumn;
  /** 1 or 0 when written; SQLite reads back the number, PostgreSQL a boolean. */
  background: ColumnType<number | boolean, number, number>;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  /** The instance running it (`store_instances.id`); null once it ended, or for rows older than leases. */
  owner: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ItemRow {
  seq: Generated<number>;
  tenant: string;
  id: string;
  type: string;
  response_seq: number | null;
  role: ItemRole | null;
  response_position: number | null;
  conversation_seq: number | null;
  conversation_position: number | null;
  payload: JsonColumn;
}

export interface ResponseEventRow {
  response_seq: number;
  sequence_number: number;
  type: string;
  data: JsonColumn;
}

export interface ResponseSpanRow {
  response_seq: number;
  position: number;
  span_id: string;
  span: JsonColumn;
}

export interface StoreInstanceRow {
  id: string;
  /** Unix ms of its last heartbeat. */
  heartbeat_at: number;
}

export interface UsageHourRow {
  hour_start: number;
  tenant: string;
  model: string;
  responses: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  tool_calls: number;
  run_ms: number;
}

export interface StoreTables {
  conversations: ConversationRow;
  responses: ResponseRow;
  items: ItemRow;
  response_events: ResponseEventRow;
  response_spans: ResponseSpanRow;
  store_instances: StoreInstanceRow;
  usage_hours: UsageHourRow;
}
