import { ID_PREFIX, type IdKind, type Item, newId, type StateStore } from '@agentport/core';
import { invalidRequest } from '../errors.js';
import { readPendingPdfs } from '../request/input-files.js';
import type { InputEntry } from '../request/input-items.js';

/**
 * A response's input as the model sees it and the store keeps it, once the history is loaded.
 * Clients send back what the gateway gave them: an item the history already holds (sent again
 * with its id, or as an `item_reference`) is there once, not twice. A reference to another stored
 * item of the tenant brings that item in (a copy, under a fresh id); an unknown one is a 400
 * naming `input[i].id`. An `mcp_approval_request` keeps the id it came with (approvals name it);
 * when another response stores that id already, it takes a fresh one and this input's approvals
 * follow it. The text of `input_file` PDFs is read here (after the checks of parsing).
 */
export async function resolveInput(store: StateStore, tenant: string, entries: readonly InputEntry[], history: readonly Item[]): Promise<Item[]> {
  const known = new Set(history.map((item) => item.id));
  const renamed = new Map<string, string>();
  const input: Item[] = [];
  for (const entry of entries) {
    if (entry.kind === 'reference') {
      if (known.has(entry.id)) continue;
      const stored = await store.getItem(tenant, entry.id);
      if (!stored) throw invalidRequest(`${entry.param}.id`, `No item found with id '${entry.id}' ('${entry.param}.id').`, 'item_not_found');
      known.add(entry.id);
      input.push({ ...stored, id: newId(idKindOf(stored)) } as Item);
      continue;
    }
    if (entry.clientId !== undefined) {
      if (known.has(entry.clientId)) continue;
      known.add(entry.clientId);
    }
    await readPendingPdfs(entry.pdfs);
    const { item } = entry;
    if (item.type === 'mcp_approval_request' && await store.getItem(tenant, item.id)) {
      const id = newId('mcp_approval_request');
      renamed.set(item.id, id);
      input.push({ ...item, id });
    } else {
      input.push(item);
    }
  }
  if (renamed.size === 0) return input;
  return input.map((item) => (item.type === 'mcp_approval_response' && renamed.has(item.approval_request_id)
    ? { ...item, approval_request_id: renamed.get(item.approval_request_id)! }
    : item));
}

function idKindOf(item: Item): IdKind {
  return Object.hasOwn(ID_PREFIX, item.type) ? item.type as IdKind : 'message';
}
