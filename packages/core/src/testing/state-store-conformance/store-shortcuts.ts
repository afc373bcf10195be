import type { StateStore } from '../../store/state-store.js';
import type { Item } from '../../items/item.js';

export function appendTo(store: StateStore, tenant: string, responseId: string, role: 'input' | 'output', items: Item[]): Promise<void> {
  return store.appendItems(tenant, { kind: 'response', responseId, role }, items);
}

export async function idsOf(store: StateStore, tenant: string, conversationId: string): Promise<string[] | undefined> {
  return (await store.listConversationItems(tenant, conversationId, { order: 'asc', limit: 100 }))?.data.map((item) => item.id);
}

/** Everything a tenant can read about one response and one conversation. */
export async function snapshot(store: StateStore, tenant: string, responseId: string, conversationId: string) {
  return {
    response: await store.getResponse(tenant, responseId),
    input: await store.listResponseItems(tenant, responseId, 'input', { order: 'asc' }),
    output: await store.listResponseItems(tenant, responseId, 'output', { order: 'asc' }),
    history: await store.loadHistory(tenant, { kind: 'previous_response', responseId }),
    events: await store.readEvents(tenant, responseId),
    conversation: await store.getConversation(tenant, conversationId),
    conversationItems: await store.listConversationItems(tenant, conversationId, { order: 'asc', limit: 100 }),
  };
}

/** A copy with every `tenant` field set to `tenant`, to compare what two tenants stored. */
export function withTenant<T>(value: T, tenant: string): T {
  return JSON.parse(JSON.stringify(value ?? null), (key, field: unknown) => key === 'tenant' ? tenant : field) as T;
}
