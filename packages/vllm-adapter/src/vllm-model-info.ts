import { ModelError } from '@agentport/core';
import type { VllmModelCard } from './chat-completion-wire.js';

/** A model the vLLM server serves, from `GET /v1/models`. */
export interface VllmModelInfo {
  id: string;
  /** The context window in tokens (vLLM's `max_model_len`), when the server says. */
  maxModelLen?: number;
  ownedBy?: string;
  created?: number;
  /** The model the served name points at (e.g. the weights' path), when the server says. */
  root?: string;
}

/** What the gateway's readiness check gets: ready with the served model, or why not. */
export type VllmReadiness =
  | { ready: true; model: string; models: VllmModelInfo[] }
  | { ready: false; reason: string; error?: ModelError };

/** The model list of an OpenAI `{"object":"list","data":[…]}` answer. */
export function parseModelList(body: unknown): VllmModelInfo[] {
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new ModelError('invalid_chunk', 'vLLM answered GET /models without a data list');
  return data.filter(isModelCard).map((card) => {
    const info: VllmModelInfo = { id: card.id };
    if (typeof card.max_model_len === 'number') info.maxModelLen = card.max_model_len;
    if (typeof card.owned_by === 'string') info.ownedBy = card.owned_by;
    if (typeof card.created === 'number') info.created = card.created;
    if (typeof card.root === 'string') info.root = card.root;
    return info;
  });
}

function isModelCard(value: unknown): value is VllmModelCard {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}
