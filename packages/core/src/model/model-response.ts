import type { ModelToolCall } from './model-message.js';
import type { ModelFinishReason, ModelWarning } from './model-stream-event.js';
import type { ModelUsage } from './model-usage.js';

export interface ModelResponseToolCall extends ModelToolCall {
  /** The parsed arguments, validated against the tool's schema. */
  input: unknown;
}

/** The whole answer of one model call: what `complete()` returns. */
export interface ModelResponse {
  text: string;
  reasoning: string;
  toolCalls: ModelResponseToolCall[];
  structuredOutput?: { text: string; value: unknown };
  usage?: ModelUsage;
  finishReason: ModelFinishReason;
  warnings: ModelWarning[];
}
