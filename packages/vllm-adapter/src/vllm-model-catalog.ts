import type { ModelCatalog, ModelCatalogEntry, ModelReadiness } from '@agentport/core';
import type { VllmAgentModel } from './vllm-agent-model.js';

/** The core `ModelCatalog` port over a `VllmAgentModel`'s discovery, for `/v1/models` and `/readyz`. */
export class VllmModelCatalog implements ModelCatalog {
  constructor(private readonly model: VllmAgentModel) {}

  async listModels(options: { signal?: AbortSignal } = {}): Promise<ModelCatalogEntry[]> {
    const models = await this.model.listModels(options);
    return models.map((info) => ({
      id: info.id,
      ...(info.maxModelLen === undefined ? {} : { contextWindow: info.maxModelLen }),
      ...(info.ownedBy === undefined ? {} : { ownedBy: info.ownedBy }),
    }));
  }

  async ready(options: { signal?: AbortSignal } = {}): Promise<ModelReadiness> {
    const readiness = await this.model.ready(options);
    return readiness.ready ? { ready: true, model: readiness.model } : { ready: false, reason: readiness.reason };
  }
}
