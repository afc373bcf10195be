import {
  ConflictError, resolvePageRequest, type Item, type ItemRole, type Page, type PageRequest,
} from '@agentport/core';
import { sql, type Kysely } from 'kysely';
import { parseItem } from './record-mapping.js';
import { ONE_ROW } from './one-row.js';
import type { StoreTables } from './schema/store-tables.js';

/** One ordered list of items: a response's input or output, or a conversation. */
export type ItemList =
  | { readonly kind: 'response'; readonly responseSeq: number; readonly role: ItemRole }
  | { readonly kind: 'conversation'; readonly conversationSeq: number };

/** Where appended items go: at most one response list and at most one conversation. */
export interface AppendDestination {
  /** `empty`: the list has no items yet (a response created in this transaction), so its positions start at 1 without a look. */
  readonly response: { readonly responseSeq: number; readonly role: ItemRole; readonly empty?: boolean } | null;
  readonly conversationSeq: number | null;
}

/** Rows per statement: well under the limits of bound parameters (SQLite 32,766, PostgreSQL 65,535). */
const ROWS_PER_STATEMENT = 500;

type StoreDb = Kysely<StoreTables>;

/**
 * Appends items after the last of each destination list, in the given order. An id already
 * stored (or twice in the batch) is a ConflictError; the caller runs this in a transaction,
 * which that error rolls back, so a refused batch writes nothing. No other append to these
 * lists interleaves with it (the driver runs one operation at a time, or the caller holds the
 * lists' row locks), so positions are never taken twice (and the unique indexes would refuse
 * it if they were).
 */
export async function appendItems(db: StoreDb, tenant: string, destination: AppendDestination, items: readonly Item[]): Promise<void> {
  if (items.length === 0) return;
  assertIdsDistinct(items);
  const { response, conversationSeq } = destination;
  const responseStart = response === null ? null : response.empty ? 1 : await nextPosition(db, { kind: 'response', ...response });
  const conversationStart = conversationSeq === null ? null : await nextPosition(db, { kind: 'conversation', conversationSeq });
  const rows = items.map((item, n) => ({
    tenant,
    id: item.id,
    type: item.type,
    response_seq: response?.responseSeq ?? null,
    role: response?.role ?? null,
    response_position: responseStart === null ? null : responseStart + n,
    conversation_seq: conversationSeq,
    conversation_position: conversationStart === null ? null : conversationStart + n,
    payload: JSON.stringify(item),
  }));
  for (const chunk of chunks(rows)) {
    // The insert itself finds an id already stored (no look before it): it skips that row, and
    // the ids it returns tell which one it was.
    const inserted = await db.insertInto('items').values(chunk).onConflict((conflict) => conflict.columns(['tenant', 'id']).doNothing())
      .returning('id').execute();
    if (inserted.length < chunk.length) {
      const stored = new Set(inserted.map((row) => row.id));
      const taken = chunk.find((row) => !stored.has(row.id))!;
      throw new ConflictError(`item "${taken.id}" is already stored`);
    }
  }
}

/** A cursor page over a list, in either direction; the cursor is an item id of that list. */
export async function pageOfList(db: StoreDb, tenant: string, list: ItemList, request: PageRequest | undefined): Promise<Page<Item>> {
  const { after, limit, order } = resolvePageRequest(request);
  const column = positionColumn(list);
  let query = inList(db, list).select('payload').orderBy(column, order).limit(limit + 1);
  if (after !== undefined) {
    const cursor = await inList(db, list).select(column).where('tenant', '=', tenant).where('id', '=', after).executeTakeFirst();
    const position = cursor === undefined ? null : positionOf(cursor);
    if (position === null) return emptyPage();
    query = query.where(column, order === 'asc' ? '>' : '<', position);
  }
  const rows = await query.execute();
  const data = rows.slice(0, limit).map((row) => parseItem(row.payload));
  return { data, firstId: data[0]?.id ?? null, lastId: data.at(-1)?.id ?? null, hasMore: rows.length > limit };
}

/**
 * A conversation's items in order, in one query; undefined when the tenant has no such
 * conversation.
 */
export async function conversationHistory(db: StoreDb, tenant: string, conversationId: string): Promise<Item[] | undefined> {
  const rows = await db.selectFrom('conversations as c')
    .leftJoin('items as i', 'i.conversation_seq', 'c.seq')
    .select('i.payload')
    .where('c.tenant', '=', tenant)
    .where('c.id', '=', conversationId)
    .orderBy('i.conversation_position')
    .execute();
  return rows.length === 0 ? undefined : itemsOf(rows);
}

/**
 * The items of a `previous_response_id` chain, oldest response first, each response's input
 * before its output, in one query (a recursive CTE over the `(tenant, id)` index). A link
 * is followed only to a response of the same tenant stored earlier (lower `seq`): a missing
 * or foreign response ends the chain, and so does a response deleted and re-created under
 * the same id, so the walk always ends. Undefined when the tenant has no such response.
 */
export async function chainHistory(db: StoreDb, tenant: string, responseId: string): Promise<Item[] | undefined> {
  const { rows } = await sql<{ payload: unknown }>`
    with recursive chain (seq, previous_id, depth) as (
      select seq, previous_response_id, 0 from responses where tenant = ${tenant} and id = ${responseId}
      union all
      select r.seq, r.previous_response_id, chain.depth + 1
      from chain join responses as r on r.tenant = ${tenant} and r.id = chain.previous_id and r.seq < chain.seq
    )
    select items.payload as payload
    from chain left join items on items.response_seq = chain.seq
    order by chain.depth desc, items.role, items.response_position`.execute(db);
  // `role` sorts 'input' before 'output', the order a history needs (the column allows no other value).
  return rows.length === 0 ? undefined : itemsOf(rows);
}

/** Deletes the items only these responses hold and takes the others (in conversations) off them. */
export async function releaseResponseItems(db: StoreDb, responseSeqs: readonly number[]): Promise<void> {
  for (const seqs of chunks(responseSeqs)) {
    await db.deleteFrom('items').where('response_seq', 'in', seqs).where('conversation_seq', 'is', null).execute();
    await db.updateTable('items').set({ response_seq: null, role: null, response_position: null }).where('response_seq', 'in', seqs).execute();
  }
}

/** Deletes the items only this conversation holds and takes the others (in responses) out of it. */
export async function releaseConversationItems(db: StoreDb, conversationSeq: number): Promise<void> {
  await db.deleteFrom('items').where('conversation_seq', '=', conversationSeq).where('response_seq', 'is', null).execute();
  await db.updateTable('items').set({ conversation_seq: null, conversation_position: null }).where('conversation_seq', '=', conversationSeq).execute();
}

function assertIdsDistinct(items: readonly Item[]): void {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new ConflictError(`item "${item.id}" appears twice in one append`);
    ids.add(item.id);
  }
}

/** One past the last position of a list (1 for an empty one), read from the end of its index. */
async function nextPosition(db: StoreDb, list: ItemList): Promise<number> {
  const column = positionColumn(list);
  const last = await inList(db, list).select(column).orderBy(column, 'desc').limit(ONE_ROW).executeTakeFirst();
  return (last === undefined ? 0 : positionOf(last) ?? 0) + 1;
}

function inList(db: StoreDb, list: ItemList) {
  const items = db.selectFrom('items');
  return list.kind === 'response'
    ? items.where('response_seq', '=', list.responseSeq).where('role', '=', list.role)
    : items.where('conversation_seq', '=', list.conversationSeq);
}

function positionColumn(list: ItemList): 'response_position' | 'conversation_position' {
  return list.kind === 'response' ? 'response_position' : 'conversation_position';
}

function positionOf(row: { response_position?: number | null; conversation_position?: number | null }): number | null {
  return row.response_position ?? row.conversation_position ?? null;
}

function itemsOf(rows: readonly { payload: unknown }[]): Item[] {
  const items: Item[] = [];
  for (const row of rows) if (row.payload != null) items.push(parseItem(row.payload));
  return items;
}

function emptyPage(): Page<Item> {
  return { data: [], firstId: null, lastId: null, hasMore: false };
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < values.length; at += ROWS_PER_STATEMENT) out.push(values.slice(at, at + ROWS_PER_STATEMENT));
  return out;
}
