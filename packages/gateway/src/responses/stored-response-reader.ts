import type { Item, StateStore } from '@agentport/core';
import type { ResponseObject } from '../encoder/response-object.js';
import { toResponseObject } from './response-object-builder.js';

/** A stored response as the API shows it: the record and every output item, in order. */
export async function readStoredResponse(store: StateStore, tenant: string, id: string): Promise<ResponseObject | undefined> {
  const record = await store.getResponse(tenant, id);
  if (!record) return undefined;
  const output: Item[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listResponseItems(tenant, id, 'output', { order: 'asc', limit: 100, ...(after ? { after } : {}) });
    if (!page) break;
    output.push(...page.data);
    if (!page.hasMore || !page.lastId) break;
    after = page.lastId;
  }
  return toResponseObject(record, output);
}
