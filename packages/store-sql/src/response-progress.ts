import type { ResponseProgress } from '@agentport/core';
import { appendItems } from './item-lists.js';
import type { RowLocking, StoreDb } from './sql-database.js';
import { appendEventRows, findResponse, responseDestination } from './store-queries.js';
import { writeSpanRows } from './trace-viewer-queries.js';

/**
 * Appends a response's output items, then its events (and its spans, when given), inside the caller's transaction (a
 * checkpoint, or the first part of its end). False, writing nothing, for an unknown response.
 */
export async function appendProgress(db: StoreDb, tenant: string, id: string, progress: ResponseProgress, locking: RowLocking): Promise<boolean> {
  const response = await findResponse(db, tenant, id, locking);
  if (!response) return false;
  if (progress.items.length > 0) await appendItems(db, tenant, await responseDestination(db, tenant, response, 'output', locking), progress.items);
  await appendEventRows(db, response.seq, id, progress.events);
  if (progress.spans) await writeSpanRows(db, response.seq, progress.spans);
  return true;
}
