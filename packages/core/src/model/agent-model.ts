import type { ModelCapabilities } from './capabilities.js';
import type { CallOptions, ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';
import type { ModelStreamEvent } from './model-stream-event.js';

/** The version of the model port. A breaking change adds a new version beside this one. */
export const AGENT_MODEL_SPEC_VERSION = 'v1' as const;

/**
 * A model: stateless, provider-neutral, never runs tools. An adapter implements `stream()`
 * once and may build `complete()` on it with `collectModelResponse`.
 */
export interface IAgentModel {
  readonly specificationVersion: typeof AGENT_MODEL_SPEC_VERSION;
  /** e.g. `vllm:Qwen/Qwen3-8B`. */
  readonly id: string;
  capabilities(): ModelCapabilities;
  complete(request: ModelRequest, options?: CallOptions): Promise<ModelResponse>;
  stream(request: ModelRequest, options?: CallOptions): AsyncIterable<ModelStreamEvent>;
  /**
   * The tokens `request` takes as the model's input, counted by the provider's own tokenizer with
   * the chat template and tools that `stream` would send. Optional: a provider that cannot count
   * leaves it out rather than estimate.
   */
  countInputTokens?(request: ModelRequest, options?: CallOptions): Promise<number>;
}
