import type { Item } from '../items/item.js';
import type { ModelUsage } from '../model/model-usage.js';
import type { ToolProgress } from '../tools/tool.js';

/**
 * `max_run_time` is set by a host (the gateway) whose run time limit ended the run;
 * `server_restarted` by one that ends, instead of resuming, a run its previous process left.
 */
export type IncompleteReason = 'max_steps' | 'max_tool_calls' | 'max_output_tokens' | 'content_filter' | 'max_run_time' | 'server_restarted';

export interface RunFailure {
  /** A `ModelError` code, `invalid_structured_output`, or `server_error`. */
  code: string;
  message: string;
}

/**
 * What an agent run yields: item-level events a transport turns into its own protocol.
 * Output items never interleave: an item is added, receives deltas, and is done before the
 * next is added. A run ends with exactly one terminal event (`completed`, `incomplete`,
 * `failed`, `cancelled`), after every item it opened is done.
 */
export type AgentEvent =
  | { type: 'step.started'; step: number }
  | { type: 'item.added'; item: Item }
  | { type: 'text.delta'; itemId: string; contentIndex: number; delta: string }
  | { type: 'reasoning.delta'; itemId: string; contentIndex: number; delta: string }
  | { type: 'arguments.delta'; itemId: string; delta: string }
  | { type: 'tool.progress'; itemId: string; progress: ToolProgress }
  /** The run waits for the caller's output of a client tool call (only with a ClientToolBridge). */
  | { type: 'client_tool.waiting'; callId: string }
  | { type: 'client_tool.received'; callId: string }
  | { type: 'item.done'; item: Item }
  | { type: 'step.completed'; step: number; usage: ModelUsage }
  | { type: 'completed'; usage: ModelUsage }
  | { type: 'incomplete'; reason: IncompleteReason; usage: ModelUsage }
  | { type: 'failed'; error: RunFailure; usage: ModelUsage }
  | { type: 'cancelled'; usage: ModelUsage };

export type AgentEventType = AgentEvent['type'];
export type TerminalAgentEvent = Extract<AgentEvent, { type: 'completed' | 'incomplete' | 'failed' | 'cancelled' }>;

export function isTerminalAgentEvent(event: AgentEvent): event is TerminalAgentEvent {
  return event.type === 'completed' || event.type === 'incomplete' || event.type === 'failed' || event.type === 'cancelled';
}
