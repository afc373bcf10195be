import type { PageRequest } from '@agentport/core';
import { invalidRequest } from '../errors.js';

/** `after`, `limit` (1 to 100) and `order` from a list route's query, checked. */
export function parsePageQuery(query: unknown): PageRequest {
  const q = (query ?? {}) as Record<string, unknown>;
  const page: PageRequest = {};
  if (q.after !== undefined) {
    if (typeof q.after !== 'string' || q.after === '') throw invalidRequest('after', "'after' must be an item id.");
    page.after = q.after;
  }
  if (q.limit !== undefined) {
    const limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidRequest('limit', `'limit' must be an integer between 1 and 100 (got '${String(q.limit)}').`);
    page.limit = limit;
  }
  if (q.order !== undefined) {
    if (q.order !== 'asc' && q.order !== 'desc') throw invalidRequest('order', `'order' must be 'asc' or 'desc' (got '${String(q.order)}').`);
    page.order = q.order;
  }
  return page;
}

/** A store page in the API's list shape. */
export function toListBody<T>(page: { data: T[]; firstId: string | null; lastId: string | null; hasMore: boolean }) {
  return { object: 'list' as const, data: page.data, first_id: page.firstId, last_id: page.lastId, has_more: page.hasMore };
}

/** A query's event sequence number (`starting_after`, `events_after`): -1, the default, is before the first event. */
export function parseSequenceNumber(value: unknown, param: string): number {
  if (value === undefined) return -1;
  const number = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(number) || number < -1) {
    throw invalidRequest(param, `'${param}' must be a sequence number.`);
  }
  return number;
}
