/** A model a backend serves, as discovery reports it. */
export interface ModelCatalogEntry {
  id: string;
  /** The longest context the backend accepts (vLLM's `max_model_len`), when known. */
  contextWindow?: number;
  ownedBy?: string;
}

export type ModelReadiness =
  | { ready: true; model: string }
  | { ready: false; reason: string };

/**
 * What a backend says about itself: the models it serves and whether it answers. Optional
 * beside `IAgentModel`; the gateway uses it for `/v1/models` and `/readyz`.
 */
export interface ModelCatalog {
  listModels(options?: { signal?: AbortSignal }): Promise<ModelCatalogEntry[]>;
  ready(options?: { signal?: AbortSignal }): Promise<ModelReadiness>;
}
