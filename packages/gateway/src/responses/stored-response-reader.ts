import type { Item, ItemRole, StateStore } from '@agentport/core';
import type { ResponseObject } from '../encoder/response-object.js';
import { toResponseObject } from './response-object-builder.js';

/** A stored response as the API shows it: the record and every output item, in order. */
export async function readStoredResponse(store: StateStore, tenant: string, id: string): Promise<ResponseObject | undefined> {
  const record = await store.getResponse(tenant, id);
  if (!record) return undefined;
  return toResponseObject(record, await readResponseItems(store, tenant, id, 'output'));
}

/** Every item of one of a response's lists, oldest first, a page of 100 at a time. */
export async function readResponseItems(store: StateStore, tenant: string, id: string, role: ItemRole): Promise<Item[]> {
  const items: Item[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listResponseItems(tenant, id, role, { order: 'asc', limit: 100, ...(after ? { after } : {}) });
    if (!page) break;
    items.push(...page.data);
    if (!page.hasMore || !page.lastId) break;
    after = page.lastId;
  }
  return items;
}
