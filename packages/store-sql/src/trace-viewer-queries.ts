import { resolvePageRequest, type ConversationRecord, type Page, type ResponseListQuery, type ResponseRecord, type SpanRecord } from '@agentport/core';
import { readJson, toConversationRecord, toResponseRecord } from './record-mapping.js';
import type { StoreDb } from './sql-database.js';

/*
 * What the trace viewer reads: a tenant's responses and conversations newest first (by `seq`,
 * one range of the `(tenant, seq)` indexes), and a response's trace, a row of its own.
 */

/** A tenant's responses, newest first, after the response `after` names (an unknown one gives an empty page). */
export async function listResponseRows(db: StoreDb, tenant: string, query: ResponseListQuery): Promise<Page<ResponseRecord>> {
  const { after, limit } = resolvePageRequest(query);
  let select = db.selectFrom('responses').selectAll().where('tenant', '=', tenant);
  if (query.conversationId !== undefined) select = select.where('conversation_id', '=', query.conversationId);
  if (after !== undefined) {
    const start = await seqOf(db, 'responses', tenant, after);
    if (start === undefined) return emptyPage();
    select = select.where('seq', '<', start);
  }
  const rows = await select.orderBy('seq', 'desc').limit(limit + 1).execute();
  return pageOf(rows.slice(0, limit).map(toResponseRecord), rows.length > limit);
}

/** A tenant's conversations, newest first, after the conversation `after` names. */
export async function listConversationRows(db: StoreDb, tenant: string, request: { after?: string; limit?: number }): Promise<Page<ConversationRecord>> {
  const { after, limit } = resolvePageRequest(request);
  let select = db.selectFrom('conversations').selectAll().where('tenant', '=', tenant);
  if (after !== undefined) {
    const start = await seqOf(db, 'conversations', tenant, after);
    if (start === undefined) return emptyPage();
    select = select.where('seq', '<', start);
  }
  const rows = await select.orderBy('seq', 'desc').limit(limit + 1).execute();
  return pageOf(rows.slice(0, limit).map(toConversationRecord), rows.length > limit);
}

/** The response's stored trace (empty when none was written); undefined when the tenant has no such response. */
export async function readTraceRow(db: StoreDb, tenant: string, id: string): Promise<SpanRecord[] | undefined> {
  const row = await db.selectFrom('responses as r')
    .leftJoin('response_traces as t', 't.response_seq', 'r.seq')
    .select('t.spans')
    .where('r.tenant', '=', tenant)
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.spans == null ? [] : readJson(row.spans) as SpanRecord[];
}

/** Writes the response's trace in place of the one stored, inside the caller's transaction. */
export async function writeTraceRow(db: StoreDb, responseSeq: number, spans: readonly SpanRecord[]): Promise<void> {
  const text = JSON.stringify(spans);
  await db.insertInto('response_traces').values({ response_seq: responseSeq, spans: text })
    .onConflict((conflict) => conflict.column('response_seq').doUpdateSet({ spans: text }))
    .execute();
}

/** The storage key of the tenant's response or conversation `id`, where a newest-first page after it starts. */
async function seqOf(db: StoreDb, table: 'responses' | 'conversations', tenant: string, id: string): Promise<number | undefined> {
  const row = await db.selectFrom(table).select('seq').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row?.seq;
}

function pageOf<T extends { id: string }>(data: T[], hasMore: boolean): Page<T> {
  return { data, firstId: data[0]?.id ?? null, lastId: data.at(-1)?.id ?? null, hasMore };
}

function emptyPage<T>(): Page<T> {
  return { data: [], firstId: null, lastId: null, hasMore: false };
}
