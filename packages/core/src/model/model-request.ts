import type { JsonSchema } from '../schema/json-schema.js';
import type { ModelMessage } from './model-message.js';

export interface ModelToolSpec {
  name: string;
  description?: string;
  parameters: JsonSchema;
  /** Ask the provider to constrain the arguments to the schema where it can. */
  strict?: boolean;
}

export type ModelToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** Structured output: the final answer must be JSON matching `schema`. */
export interface ModelOutputSpec {
  type: 'json_schema';
  name: string;
  schema: JsonSchema;
  strict?: boolean;
  description?: string;
}

export interface ModelRequest {
  messages: ModelMessage[];
  tools?: ModelToolSpec[];
  toolChoice?: ModelToolChoice;
  parallelToolCalls?: boolean;
  output?: ModelOutputSpec;
  temperature?: number;
  topP?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  maxOutputTokens?: number;
  stop?: string[];
  seed?: number;
  /** Escape hatch per provider, namespaced: `{ vllm: { chat_template_kwargs: {…} } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface CallOptions {
  /** Aborting ends the provider call; nothing keeps running in the background. */
  signal?: AbortSignal;
  /** Overall time limit for the call, in milliseconds. */
  timeoutMs?: number;
  /** Longest wait between two stream chunks, in milliseconds. */
  idleTimeoutMs?: number;
  /**
   * The conversation this call belongs to, the same for every call of it: a provider with several
   * replicas sends its calls to the one whose cache holds its prefix. `continues`: earlier turns
   * exist (some replica may hold them); false for a conversation's first turn.
   */
  session?: ModelSession;
  /** Headers to send with the provider's request: the call's trace context (`traceparent`, `tracestate`). */
  headers?: Readonly<Record<string, string>>;
}

export interface ModelSession {
  readonly key: string;
  readonly continues: boolean;
}
