import type { PageRequest } from './records.js';

/** The page size when a request gives none, as OpenAI's list endpoints use. */
export const DEFAULT_PAGE_LIMIT = 20;
/** The largest page a request may ask for, as OpenAI's list endpoints allow. */
export const MAX_PAGE_LIMIT = 100;
/** OpenAI lists conversation items and response input items newest first by default. */
export const DEFAULT_PAGE_ORDER = 'desc' satisfies NonNullable<PageRequest['order']>;

/** A page request with its defaults filled in and its limit clamped. */
export interface ResolvedPageRequest {
  after: string | undefined;
  limit: number;
  order: 'asc' | 'desc';
}

/** Fills in the defaults of a page request, so every store pages the same way. */
export function resolvePageRequest(page: PageRequest = {}): ResolvedPageRequest {
  const limit = page.limit === undefined || !Number.isFinite(page.limit)
    ? DEFAULT_PAGE_LIMIT
    : Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(page.limit)));
  return { after: page.after, limit, order: page.order ?? DEFAULT_PAGE_ORDER };
}
