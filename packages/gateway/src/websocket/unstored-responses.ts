import type { Item, StateStore } from '@agentport/core';
import { invalidRequest } from '../errors.js';

/** A `store: false` response as a later turn needs it: what it added to the conversation. */
export interface UnstoredResponse {
  id: string;
  previousResponseId: string | null;
  /** Its input items, then its output items. */
  items: Item[];
}

/**
 * The `store: false` responses of one WebSocket connection, so a later turn on the same
 * connection can continue them with `previous_response_id` (Codex does). Bounded: the least
 * recently used go first, and walking a chain marks every response on it as used, so the
 * live conversation stays while abandoned branches are dropped.
 *
 * As the WebSocket mode of the spec has it, only completed responses are kept: a response that
 * ended failed or incomplete, and one whose continuation failed, are evicted, and continuing
 * them is a `previous_response_not_found` that says why (the reasons are kept, bounded alike).
 */
export class UnstoredResponses {
  private readonly byId = new Map<string, UnstoredResponse>();
  private readonly evicted = new Map<string, string>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(response: UnstoredResponse): void {
    this.byId.delete(response.id);
    this.byId.set(response.id, response);
    this.evicted.delete(response.id);
    trim(this.byId, this.limit);
  }

  /** Forgets a response; continuing it then fails with `why` (e.g. "it ended failed"). */
  evict(id: string, why: string): void {
    this.byId.delete(id);
    this.evicted.set(id, why);
    trim(this.evicted, this.limit);
  }

  clear(): void {
    this.byId.clear();
    this.evicted.clear();
  }

  /**
   * The history a turn continuing `responseId` sees, or `undefined` when the id is not one of
   * this connection's (the store then answers for it). A chain that reaches a stored response
   * continues with that response's stored history.
   */
  async loadHistory(store: StateStore, tenant: string, responseId: string): Promise<Item[] | undefined> {
    const evicted = this.evicted.get(responseId);
    if (evicted !== undefined) {
      throw invalidRequest(
        'previous_response_id',
        `Previous response with id '${responseId}' not found: ${evicted}, so this connection no longer keeps it (store: false). Send the full input instead.`,
        'previous_response_not_found',
      );
    }
    if (!this.byId.has(responseId)) return undefined;
    const chain: UnstoredResponse[] = [];
    let storedParent: string | null = null;
    for (let id: string | null = responseId; id !== null;) {
      const response = this.byId.get(id);
      if (!response) {
        storedParent = id;
        break;
      }
      // A chain cannot loop: each response only ever points at an older one.
      chain.push(response);
      id = response.previousResponseId;
    }
    chain.reverse();
    // Oldest first, so the response continued from is the most recently used.
    for (const response of chain) this.add(response);
    const stored = storedParent === null ? [] : await store.loadHistory(tenant, { kind: 'previous_response', responseId: storedParent });
    if (!stored) {
      throw invalidRequest('previous_response_id', `Previous response with id '${storedParent}' not found (an earlier turn of '${responseId}').`, 'previous_response_not_found');
    }
    return [...stored, ...chain.flatMap((response) => response.items)];
  }
}

/** Drops the least recently used entries beyond `limit`. */
function trim(map: Map<string, unknown>, limit: number): void {
  while (map.size > limit) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}
