import type { Item } from '../items/item.js';
import type { ModelOutputSpec, ModelToolChoice } from '../model/model-request.js';
import type { Tool } from '../tools/tool.js';
import type { AgentEvent } from './agent-event.js';
import type { CompactionResult } from './conversation-compaction.js';
import type { ClientToolBridge } from './client-tool-bridge.js';
import type { TraceSpan } from '../tracing/tracer.js';

/** One run's input: what the caller asked for, with the history already loaded. */
export interface AgentRun {
  /** Items of earlier turns (previous response chain or conversation), oldest first. */
  history: Item[];
  /** This turn's new input items. */
  input: Item[];
  /** Not inherited across turns: each request gives its own. */
  instructions?: string;
  /** Server tools (already under their policy) and the caller's client tools. */
  tools?: Tool[];
  /**
   * Items the host made for this run before the model's first step (the `mcp_list_tools` a
   * tool provider emitted while listing tools): the run shows them first, as its own output.
   */
  openingItems?: Item[];
  toolChoice?: ModelToolChoice;
  parallelToolCalls?: boolean;
  output?: ModelOutputSpec;
  temperature?: number;
  topP?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  maxOutputTokens?: number;
  /**
   * A run that goes on after its process stopped (a durable background response): the output
   * it had stored at its last checkpoint. The run shows none of it again, settles no approvals
   * and shows no opening items (that happened before); it runs the server calls left without
   * an output, then takes its next model step.
   */
  resume?: RunResume;
  /** Per-run limits; the agent's own options are the defaults. */
  maxSteps?: number;
  maxToolCalls?: number;
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface RunResume {
  /** The output items stored before the stop, in order. */
  output: Item[];
}

export interface RunContext {
  /** Aborting cancels the model stream and running tools; the run ends `cancelled`. */
  signal: AbortSignal;
  tenant: string;
  responseId: string;
  /** When given, a client tool call waits for the caller's output instead of ending the run. */
  clientTools?: ClientToolBridge;
  /** The run's span (the response's): its model and tool calls are traced as its children. */
  span?: TraceSpan;
}

/** What counting a run's input tokens needs besides the run. */
export interface CountContext {
  signal: AbortSignal;
  tenant: string;
}

/** An agent: anything that turns a run into item-level events. The gateway serves each under its name. */
export interface Agent {
  /** The model name clients ask for. */
  readonly name: string;
  run(run: AgentRun, ctx: RunContext): AsyncIterable<AgentEvent>;
  /**
   * The input tokens of the run's first model call, as its model counts them
   * (`POST /v1/responses/input_tokens`). Optional: an agent without it cannot answer that route.
   */
  countInputTokens?(run: AgentRun, ctx: CountContext): Promise<number>;
  /**
   * The run's history and input summarised into one compaction item by its model
   * (`POST /v1/responses/compact`). Optional: an agent without it cannot answer that route.
   */
  compact?(run: AgentRun, ctx: CompactContext): Promise<CompactionResult>;
}

/** What compacting a run's conversation needs besides the run. */
export interface CompactContext extends CountContext {
  /** The request to summarise; the agent's own when not given. */
  prompt?: string | undefined;
}
