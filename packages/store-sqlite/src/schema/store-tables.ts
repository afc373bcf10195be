import type { ItemRole, ResponseStatus } from '@agentport/core';
import type { Generated } from 'kysely';

/*
 * The tables as SQL sees them, for the queries written with kysely (history, item lists,
 * deletes). JSON columns are text here: those queries parse and serialize themselves.
 * The entities in this folder describe the same tables; a test checks they agree with the
 * migrations.
 */

export interface ConversationRow {
  seq: Generated<number>;
  tenant: string;
  id: string;
  metadata: string;
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
  request: string;
  usage: string | null;
  error: string | null;
  incomplete_details: string | null;
  metadata: string;
  background: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
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
  payload: string;
}

export interface ResponseEventRow {
  response_seq: number;
  sequence_number: number;
  type: string;
  data: string;
}

export interface StoreTables {
  conversations: ConversationRow;
  responses: ResponseRow;
  items: ItemRow;
  response_events: ResponseEventRow;
}
