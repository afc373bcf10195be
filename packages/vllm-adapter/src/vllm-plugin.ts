import { type Plugin, TOKENS } from '@agentport/core';
import { type VllmConfig, vllmConfigSchema } from './vllm-config.js';
import { VllmAgentModel } from './vllm-agent-model.js';
import { VllmModelCatalog } from './vllm-model-catalog.js';

/**
 * Binds a `VllmAgentModel` to `TOKENS.AgentModel` and its discovery to `TOKENS.ModelCatalog`. Its config section is `vllm`, set by the
 * config file, by `AGENTPORT_VLLM__<KEY>` env vars (`AGENTPORT_VLLM__BASE_URL`,
 * `AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__ENABLE_THINKING=false`, …) or by overrides.
 * `app.stop()` closes its connection pool.
 */
export function vllm(): Plugin<VllmConfig> {
  let model: VllmAgentModel | undefined;
  return {
    name: 'vllm',
    configSchema: vllmConfigSchema,
    register(ctx) {
      model = new VllmAgentModel({ ...ctx.config, logger: ctx.logger, metrics: ctx.metrics });
      ctx.bind(TOKENS.AgentModel, model);
      ctx.bind(TOKENS.ModelCatalog, new VllmModelCatalog(model));
    },
    async stop() {
      model?.close();
      model = undefined;
    },
  };
}
