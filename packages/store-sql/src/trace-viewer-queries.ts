import { resolvePageRequest, type ConversationRecord, type Page, type ResponseListQuery, type ResponseRecord, type SpanRecord } from '@agentport/core';
import { readJson, toConversationRecord, toResponseRecord } from './record-mapping.js';
import { ONE_ROW } from './one-row.js';
import type { StoreDb } from './sql-database.js';

/*
 * What the trace viewer reads: a tenant's responses and conversations newest first (by `seq`,
 * one range of the `(tenant, seq)` indexes), and a response's spans, a row each.
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

/** The response's spans in the order first written (empty when none were); undefined when the tenant has no such response. */
export async function readTraceRows(db: StoreDb, tenant: string, id: string): Promise<SpanRecord[] | undefined> {
  const rows = await db.selectFrom('responses as r')
    .leftJoin('response_spans as s', 's.response_seq', 'r.seq')
    .select('s.span')
    .where('r.tenant', '=', tenant)
    .where('r.id', '=', id)
    .orderBy('s.position')
    .execute();
  if (rows.length === 0) return undefined;
  return rows.filter((row) => row.span != null).map((row) => readJson(row.span) as SpanRecord);
}

/**
 * Writes spans inside the caller's transaction: one that is stored already is replaced in its
 * place, a new one goes after the last (positions may skip numbers; only their order counts).
 */
export async function writeSpanRows(db: StoreDb, responseSeq: number, spans: readonly SpanRecord[]): Promise<void> {
  if (spans.length === 0) return;
  const last = await db.selectFrom('response_spans').select('position')
    .where('response_seq', '=', responseSeq).orderBy('position', 'desc').limit(ONE_ROW).executeTakeFirst();
  const next = (last?.position ?? -1) + 1;
  await db.insertInto('response_spans')
    .values(spans.map((span, index) => ({ response_seq: responseSeq, position: next + index, span_id: span.id, span: JSON.stringify(span) })))
    .onConflict((conflict) => conflict.columns(['response_seq', 'span_id']).doUpdateSet((update) => ({ span: update.ref('excluded.span') })))
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
