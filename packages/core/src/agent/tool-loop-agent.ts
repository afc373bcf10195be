import type { Item, MessageItem } from '../items/item.js';
import { newId } from '../items/ids.js';
import type { IAgentModel } from '../model/agent-model.js';
import { ModelError } from '../model/model-error.js';
import type { ModelMessage } from '../model/model-message.js';
import type { ModelRequest, ModelSession, ModelToolChoice } from '../model/model-request.js';
import type { SpanAttributes } from '../tracing/tracer.js';
import { addUsage, ZERO_USAGE, type ModelUsage } from '../model/model-usage.js';
import { JsonSchemaValidator } from '../schema/json-schema-validator.js';
import type { Tool } from '../tools/tool.js';
import type { ToolRegistryOptions } from '../tools/tool-policy.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import type { Agent, AgentRun, CompactContext, CountContext, RunContext } from './agent.js';
import type { AgentEvent, IncompleteReason, RunFailure } from './agent-event.js';
import { compactItems, type CompactionResult } from './conversation-compaction.js';
import { itemsToMessages } from './items-to-messages.js';
import { streamModelStep, type ModelStepOutcome } from './model-step.js';
import {
  checkStructuredOutput, invalidOutputFeedback, invalidToolCallFeedback, structuredOutputFeedback,
} from './structured-output-check.js';
import { settleApprovals, showItem } from './tool-approval.js';
import { handleToolCalls, type ToolCallStepEnd } from './tool-call-step.js';
import { resumedProgress } from './resumed-progress.js';

export interface ToolLoopLimits {
  /** Model calls per run; one more needed ends the run `incomplete` (`max_steps`). */
  maxSteps: number;
  /** Server tool calls per run; more end the run `incomplete` (`max_tool_calls`). */
  maxToolCalls: number;
  /** Server tool calls of one step running at once. */
  maxParallelToolCalls: number;
  /** Extra model calls to fix an answer that broke the output schema or a tool's schema. */
  maxOutputRetries: number;
}

export const DEFAULT_TOOL_LOOP_LIMITS: Readonly<ToolLoopLimits> = Object.freeze({
  maxSteps: 10,
  maxToolCalls: 50,
  maxParallelToolCalls: 4,
  maxOutputRetries: 2,
});

export interface ToolLoopAgentOptions extends Partial<ToolLoopLimits> {
  /** The model name clients ask for. */
  name: string;
  model: IAgentModel;
  /** Used when a run gives none. */
  instructions?: string;
  /** The agent's own tools, offered in every run beside the run's. */
  tools?: Tool[];
  /** The policy the agent's own server tools run under (time limit, output cap, …). */
  toolPolicy?: ToolRegistryOptions;
  validator?: JsonSchemaValidator;
  /** What the model is asked when the conversation is compacted; `DEFAULT_COMPACTION_PROMPT` when not given. */
  compactionPrompt?: string;
  /** Compaction in the middle of a run, when its input grows too long for the model. Off when not given. */
  autoCompaction?: AutoCompactionOptions;
}

export interface AutoCompactionOptions {
  /**
   * Share of the context window (0–1) a step's input may take; past it, everything before is
   * compacted first. 0: only when the model refuses the input as too long.
   */
  threshold: number;
  /** The model's context window in tokens, asked before every model call: keep it cheap. Undefined when unknown (then only a refusal compacts). */
  contextWindow: () => number | undefined;
}

/**
 * A cheap estimate of a request's tokens from its characters, so that short inputs need no exact
 * count: English and code take about four characters of JSON per token, so this errs towards
 * counting. Denser text (CJK) can pass unnoticed; the upstream's refusal still compacts it.
 */
const CHARS_PER_TOKEN_AT_MOST = 3;

/**
 * The default agent: call the model, run the server tools it asks for, feed the results
 * back, and repeat until a final answer, a client tool call, a limit, a failure or a cancel.
 */
export class ToolLoopAgent implements Agent {
  readonly name: string;
  private readonly model: IAgentModel;
  private readonly limits: ToolLoopLimits;
  private readonly ownTools: Tool[];
  private readonly validator: JsonSchemaValidator;
  /**
   * The first step's request as `run` would send it, counted by the model; there only when the
   * model can count. Decided: approvals this input settles are not run to count what they add.
   */
  readonly countInputTokens?: (run: AgentRun, ctx: CountContext) => Promise<number>;

  constructor(private readonly options: ToolLoopAgentOptions) {
    this.name = options.name;
    this.model = options.model;
    this.limits = {
      maxSteps: options.maxSteps ?? DEFAULT_TOOL_LOOP_LIMITS.maxSteps,
      maxToolCalls: options.maxToolCalls ?? DEFAULT_TOOL_LOOP_LIMITS.maxToolCalls,
      maxParallelToolCalls: options.maxParallelToolCalls ?? DEFAULT_TOOL_LOOP_LIMITS.maxParallelToolCalls,
      maxOutputRetries: options.maxOutputRetries ?? DEFAULT_TOOL_LOOP_LIMITS.maxOutputRetries,
    };
    const registry = new ToolRegistry([], options.toolPolicy);
    this.ownTools = (options.tools ?? []).map((tool) => registry.withPolicy(tool));
    this.validator = options.validator ?? new JsonSchemaValidator();
    const { model } = this;
    if (model.countInputTokens) {
      this.countInputTokens = (run, ctx) =>
        model.countInputTokens!(this.buildRequest(run, [...this.toolsOf(run).values()], [], [], run.toolChoice), { signal: ctx.signal });
    }
  }

  compact(run: AgentRun, ctx: CompactContext): Promise<CompactionResult> {
    return compactItems(this.model, [...run.history, ...run.input], {
      instructions: run.instructions ?? this.options.instructions,
      prompt: ctx.prompt ?? this.options.compactionPrompt,
      signal: ctx.signal,
      session: sessionOf(run, ctx.tenant),
      maxOutputTokens: run.maxOutputTokens,
    });
  }

  async *run(run: AgentRun, ctx: RunContext): AsyncGenerator<AgentEvent> {
    const maxSteps = run.maxSteps ?? this.limits.maxSteps;
    const maxToolCalls = run.maxToolCalls ?? this.limits.maxToolCalls;
    const tools = this.toolsOf(run);
    const selfRenderingTools = new Set([...tools.values()]
      .filter((tool) => tool.execution === 'server' && tool.renderItem && (tool.itemType ?? 'function_call') !== 'function_call')
      .map((tool) => tool.name));
    const produced: Item[] = [];
    let feedback: ModelMessage[] = [];
    let usage: ModelUsage = ZERO_USAGE;
    let toolCallsMade = 0;
    let retries = 0;
    let toolChoice = run.toolChoice;
    const maxParallel = run.parallelToolCalls === false ? 1 : this.limits.maxParallelToolCalls;

    let firstStep = 1;
    if (run.resume) {
      // Everything before the stop was shown and stored; the calls it left unanswered run now.
      produced.push(...run.resume.output);
      const resumed = resumedProgress(run.resume.output, tools);
      firstStep = resumed.stepsTaken + 1;
      toolCallsMade = resumed.toolCalls;
      if (resumed.unanswered.length > 0) {
        const handled = yield* handleToolCalls(resumed.unanswered, { tools, ctx, maxParallel, callsLeft: maxToolCalls - toolCallsMade, produced });
        toolCallsMade += handled.serverCalls;
        const end = runEndAfterToolCalls(handled.end, usage);
        if (end) return yield end;
      }
    } else {
      // What the host made before the first step, then the calls this input approved or declined.
      for (const item of run.openingItems ?? []) yield* showItem(item, produced);
      const settled = yield* settleApprovals(run.history, run.input, tools.values(), produced, {
        signal: ctx.signal, tenant: ctx.tenant, responseId: ctx.responseId, maxParallel, maxToolCalls, ...(ctx.span ? { span: ctx.span } : {}),
      });
      if (settled.kind === 'cancelled') return yield { type: 'cancelled', usage };
      if (settled.kind === 'over_limit') return yield incomplete('max_tool_calls', usage);
      toolCallsMade += settled.toolCalls;
    }

    const session = sessionOf(run, ctx.tenant);
    let compacted = false;
    for (let step = firstStep; ; step += 1) {
      if (ctx.signal.aborted) return yield { type: 'cancelled', usage };
      if (step > maxSteps) return yield incomplete('max_steps', usage);

      yield { type: 'step.started', step };
      let request = this.buildRequest(run, [...tools.values()], produced, feedback, toolChoice);
      if (!compacted && await this.wouldOverflow(request, ctx.signal)) {
        const compaction = yield* this.compactInRun(run, produced, ctx, session);
        if (compaction.kind === 'compacted') {
          compacted = true;
          usage = addUsage(usage, compaction.usage);
          request = this.buildRequest(run, [...tools.values()], produced, feedback, toolChoice);
        }
      }
      const outcome: ModelStepOutcome = yield* streamModelStep(this.model, request, {
        signal: ctx.signal,
        selfRenderingTools,
        holdText: run.output !== undefined,
        ...(session ? { session } : {}),
        ...(ctx.span ? { span: ctx.span } : {}),
        ...(ctx.span?.recording ? { traceAttributes: stepTraceAttributes(step, produced.length, request, compacted) } : {}),
      });
      produced.push(...outcome.items);
      usage = addUsage(usage, outcome.usage);
      yield { type: 'step.completed', step, usage: outcome.usage };

      if (outcome.kind === 'cancelled') return yield { type: 'cancelled', usage };
      if (outcome.kind === 'failed') {
        const { code, message } = outcome.error;
        // Too long for the model: compact what came before and take the step again, once.
        if (code === 'context_length_exceeded' && !compacted && this.options.autoCompaction && outcome.items.length === 0) {
          const compaction = yield* this.compactInRun(run, produced, ctx, session);
          if (compaction.kind === 'compacted') {
            compacted = true;
            usage = addUsage(usage, compaction.usage);
            step -= 1;
            continue;
          }
        }
        const fixable = code === 'invalid_structured_output' || code === 'invalid_tool_arguments';
        if (fixable && retries < this.limits.maxOutputRetries) {
          retries += 1;
          feedback = code === 'invalid_tool_arguments' ? invalidToolCallFeedback(message) : invalidOutputFeedback(message);
          continue;
        }
        return yield failed({ code, message }, usage);
      }
      feedback = [];
      if (outcome.reason === 'length') return yield incomplete('max_output_tokens', usage);
      if (outcome.reason === 'content_filter') return yield incomplete('content_filter', usage);

      if (outcome.calls.length > 0) {
        const handled = yield* handleToolCalls(outcome.calls, { tools, ctx, maxParallel, callsLeft: maxToolCalls - toolCallsMade, produced });
        toolCallsMade += handled.serverCalls;
        const end = runEndAfterToolCalls(handled.end, usage);
        if (end) return yield end;
        // A forced choice was honoured; forcing it again would loop forever.
        if (toolChoice !== undefined && toolChoice !== 'auto' && toolChoice !== 'none') toolChoice = 'auto';
        continue;
      }

      if (run.output) {
        const text = outcome.structured?.text ?? outcome.text;
        const check = checkStructuredOutput(this.validator, run.output, text);
        if (!check.valid) {
          if (retries < this.limits.maxOutputRetries) {
            retries += 1;
            feedback = structuredOutputFeedback(text, check.problems);
            continue;
          }
          return yield failed({ code: 'invalid_structured_output', message: `the answer does not match the schema "${run.output.name}": ${check.problems.join('; ')}` }, usage);
        }
        yield* emitMessage(text, produced);
      }
      return yield { type: 'completed', usage };
    }
  }

  /**
   * Whether a step's input passes the auto-compaction share of the context window: counted by
   * the model when the cheap bound does not settle it (and the model can count).
   */
  private async wouldOverflow(request: ModelRequest, signal: AbortSignal): Promise<boolean> {
    const auto = this.options.autoCompaction;
    if (!auto || auto.threshold <= 0) return false;
    const window = auto.contextWindow();
    if (window === undefined) return false;
    const limit = window * auto.threshold;
    const chars = JSON.stringify(request.messages).length + (request.tools ? JSON.stringify(request.tools).length : 0);
    if (chars / CHARS_PER_TOKEN_AT_MOST <= limit) return false;
    if (!this.model.countInputTokens) return true;
    try {
      return await this.model.countInputTokens(request, { signal }) > limit;
    } catch (error) {
      // A count that fails (or a cancel) decides nothing: the step goes on and meets it itself.
      return ModelError.is(error) && error.code === 'context_length_exceeded';
    }
  }

  /**
   * Everything the run holds so far summarised into one compaction item, shown as the run's
   * output (so later turns start from it). A compaction that fails leaves the run as it was.
   */
  private async *compactInRun(
    run: AgentRun, produced: Item[], ctx: RunContext, session: ModelSession | undefined,
  ): AsyncGenerator<AgentEvent, { kind: 'compacted'; usage: ModelUsage } | { kind: 'not_compacted' }> {
    let result: CompactionResult;
    try {
      result = await compactItems(this.model, [...run.history, ...run.input, ...produced], {
        instructions: run.instructions ?? this.options.instructions,
        prompt: this.options.compactionPrompt,
        signal: ctx.signal,
        session,
      });
    } catch (error) {
      if (ModelError.is(error) || ctx.signal.aborted) return { kind: 'not_compacted' };
      throw error;
    }
    yield { type: 'item.added', item: result.item };
    produced.push(result.item);
    yield { type: 'item.done', item: result.item };
    return { kind: 'compacted', usage: result.usage };
  }

  /** The agent's own tools and the run's, by name (a run's tool of the same name wins). */
  private toolsOf(run: AgentRun): Map<string, Tool> {
    return new Map([...this.ownTools, ...(run.tools ?? [])].map((tool) => [tool.name, tool]));
  }

  private buildRequest(
    run: AgentRun,
    tools: Tool[],
    produced: readonly Item[],
    feedback: readonly ModelMessage[],
    toolChoice: ModelToolChoice | undefined,
  ): ModelRequest {
    const instructions = run.instructions ?? this.options.instructions;
    const request: ModelRequest = {
      messages: [
        ...(instructions ? [{ role: 'system' as const, content: instructions }] : []),
        ...itemsToMessages([...run.history, ...run.input, ...produced]),
        ...feedback,
      ],
    };
    if (tools.length > 0) {
      request.tools = tools.map((tool) => ({
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      }));
      if (toolChoice !== undefined) request.toolChoice = toolChoice;
      if (run.parallelToolCalls !== undefined) request.parallelToolCalls = run.parallelToolCalls;
    }
    if (run.output) request.output = run.output;
    if (run.temperature !== undefined) request.temperature = run.temperature;
    if (run.topP !== undefined) request.topP = run.topP;
    if (run.presencePenalty !== undefined) request.presencePenalty = run.presencePenalty;
    if (run.frequencyPenalty !== undefined) request.frequencyPenalty = run.frequencyPenalty;
    if (run.maxOutputTokens !== undefined) request.maxOutputTokens = run.maxOutputTokens;
    if (run.providerOptions) request.providerOptions = run.providerOptions;
    return request;
  }
}

/** The run's terminal event when a step's tool calls end it; undefined when the run goes on. */
function runEndAfterToolCalls(end: ToolCallStepEnd, usage: ModelUsage): AgentEvent | undefined {
  switch (end) {
    case 'cancelled': return { type: 'cancelled', usage };
    case 'max_tool_calls': return incomplete('max_tool_calls', usage);
    case 'completed': return { type: 'completed', usage };
    case 'continue': return undefined;
  }
}

function incomplete(reason: IncompleteReason, usage: ModelUsage): AgentEvent {
  return { type: 'incomplete', reason, usage };
}

function failed(error: RunFailure, usage: ModelUsage): AgentEvent {
  return { type: 'failed', error, usage };
}

/** Shows a validated structured answer as one assistant message. */
function* emitMessage(text: string, produced: Item[]): Generator<AgentEvent> {
  const id = newId('message');
  yield { type: 'item.added', item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] } };
  yield { type: 'text.delta', itemId: id, contentIndex: 0, delta: text };
  const item: MessageItem = {
    type: 'message', id, role: 'assistant', status: 'completed',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
  produced.push(item);
  yield { type: 'item.done', item };
}

/**
 * The run's conversation, named by its first item (the first input of its first turn, the same
 * in every later turn, whether they chain by `previous_response_id` or share a conversation).
 */
function sessionOf(run: AgentRun, tenant: string): ModelSession | undefined {
  const first = run.history[0] ?? run.input[0];
  return first ? { key: `${tenant}\u0000${first.id}`, continues: run.history.length > 0 } : undefined;
}

/**
 * Where a model call stands in its run, for the trace viewer: the step, how many of the
 * response's output items it was sent (they come after the history and the input), how many
 * messages that made, and whether the history was compacted first (then the messages are not
 * history, input and output as stored).
 */
function stepTraceAttributes(step: number, outputItems: number, request: ModelRequest, compacted: boolean): SpanAttributes {
  return {
    'agentport.step': step,
    'agentport.request.output_items': outputItems,
    'agentport.request.messages': request.messages.length,
    'agentport.request.compacted': compacted,
  };
}
