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
 */
export class UnstoredResponses {
  private readonly byId = new Map<string, UnstoredResponse>();

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
    while (this.byId.size > this.limit) {
      const oldest = this.byId.keys().next().value;
      if (oldest === undefined) break;
      this.byId.delete(oldest);
    }
  }

  clear(): void {
    this.byId.clear();
  }

  /**
   * The history a turn continuing `responseId` sees, or `undefined` when the id is not one of
   * this connection's (the store then answers for it). A chain that reaches a stored response
   * continues with that response's stored history.
   */
  async loadHistory(store: StateStore, tenant: string, responseId: string): Promise<Item[] | undefined> {
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
