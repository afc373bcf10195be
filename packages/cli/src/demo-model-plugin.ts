import { type ModelCatalog, type ModelCatalogEntry, type ModelReadiness, type Plugin, TOKENS } from '@agentport/core';
import { DEMO_MODEL_NAME, demoModel } from './demo-model.js';

/** The demo model's catalog: one model, always ready (there is no upstream to ask). */
export class DemoModelCatalog implements ModelCatalog {
  async listModels(): Promise<ModelCatalogEntry[]> {
    return [{ id: DEMO_MODEL_NAME, ownedBy: 'agentport-demo' }];
  }

  async ready(): Promise<ModelReadiness> {
    return { ready: true, model: DEMO_MODEL_NAME };
  }
}

/** Binds the scripted demo model in place of `vllm()`: `TOKENS.AgentModel` and its catalog. */
export function demoModelPlugin(): Plugin {
  return {
    name: 'demo-model',
    register(ctx) {
      ctx.bind(TOKENS.AgentModel, demoModel());
      ctx.bind(TOKENS.ModelCatalog, new DemoModelCatalog());
    },
  };
}
