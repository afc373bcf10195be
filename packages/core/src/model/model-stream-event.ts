import type { ModelError } from './model-error.js';
import type { ModelUsage } from './model-usage.js';

export type ModelFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Something the provider could not honour exactly but worked around (e.g. unconstrained `auto`). */
export interface ModelWarning {
  code: string;
  message: string;
}

/**
 * What a model stream yields. Every stream ends with exactly one `finish` or `error`,
 * and nothing comes after it.
 */
export type ModelStreamEvent =
  | { type: 'warning'; warning: ModelWarning }
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string }
  /** A fragment of a tool call's arguments, for UIs; id and name are known from the first one. */
  | { type: 'tool-call-delta'; toolCallId: string; toolName: string; argumentsDelta: string }
  /** A complete tool call; `input` is the parsed arguments, validated against the tool's schema. */
  | { type: 'tool-call'; toolCallId: string; toolName: string; arguments: string; input: unknown }
  /** The final answer of a structured-output request, parsed and validated against the schema. */
  | { type: 'structured-output'; text: string; value: unknown }
  | { type: 'usage'; usage: ModelUsage }
  | { type: 'finish'; reason: ModelFinishReason }
  | { type: 'error'; error: ModelError };

export type ModelStreamEventType = ModelStreamEvent['type'];
