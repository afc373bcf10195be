import { newId } from '../items/ids.js';
import type { Item } from '../items/item.js';
import { Semaphore } from '../tools/semaphore.js';
import type { ServerTool, ToolCallState, ToolResult } from '../tools/tool.js';
import type { AgentEvent } from './agent-event.js';
import type { StepToolCall } from './model-step.js';
import { toolCallSpan } from '../tracing/gen-ai-attributes.js';
import type { TraceSpan } from '../tracing/tracer.js';

export interface ServerToolCall {
  call: StepToolCall;
  /** Undefined when the model named a tool that does not exist: it is told so. */
  tool: ServerTool | undefined;
  /** Set when the call runs because the caller approved it: its item names the approval request. */
  approvalRequestId?: string;
}

export interface ToolExecutionOptions {
  signal: AbortSignal;
  tenant: string;
  responseId: string;
  /** Calls of one step running at once. */
  maxParallel: number;
  /** The run's span: each call is traced as its child (`execute_tool {name}`). */
  span?: TraceSpan;
}

export interface ToolExecutionOutcome {
  kind: 'done' | 'cancelled';
  /** Items finished, in call order. */
  items: Item[];
}

/** One call's events, produced while it runs and replayed in call order. */
class CallEvents {
  readonly events: AgentEvent[] = [];
  finished = false;
  private wake: (() => void) | undefined;

  push(event: AgentEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  finish(): void {
    this.finished = true;
    this.wake?.();
  }

  async *drain(): AsyncGenerator<AgentEvent> {
    for (;;) {
      while (this.events.length > 0) yield this.events.shift()!;
      if (this.finished) return;
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = undefined;
    }
  }
}

/**
 * Runs a step's server tool calls, up to `maxParallel` at once, and yields their items in
 * call order so that items never interleave. A tool that throws or times out produces an
 * error output for the model; the run goes on. On cancel, open items end incomplete.
 */
export async function* runServerTools(
  calls: readonly ServerToolCall[],
  options: ToolExecutionOptions,
): AsyncGenerator<AgentEvent, ToolExecutionOutcome> {
  const limit = new Semaphore(Math.max(1, options.maxParallel));
  const runs = calls.map(() => new CallEvents());
  const executions = calls.map((call, index) => runOne(call, runs[index]!, limit, options));
  const items: Item[] = [];
  for (const run of runs) {
    for await (const event of run.drain()) {
      if (event.type === 'item.done') items.push(event.item);
      yield event;
    }
  }
  await Promise.all(executions);
  return { kind: options.signal.aborted ? 'cancelled' : 'done', items };
}

async function runOne(
  { call, tool, approvalRequestId }: ServerToolCall,
  events: CallEvents,
  limit: Semaphore,
  options: ToolExecutionOptions,
): Promise<void> {
  const rendered = tool?.renderItem ? tool.renderItem.bind(tool) : undefined;
  const state: ToolCallState = {
    itemId: call.item?.id ?? newId(tool?.itemType ?? 'function_call'),
    callId: call.callId,
    name: call.name,
    arguments: call.arguments,
    status: 'in_progress',
    ...(approvalRequestId === undefined ? {} : { approvalRequestId }),
  };
  try {
    if (rendered) events.push({ type: 'item.added', item: rendered(state) });
    const result = await execute(call, tool, state.itemId, events, limit, options);
    if (options.signal.aborted) {
      if (rendered) events.push({ type: 'item.done', item: rendered({ ...state, status: 'incomplete' }) });
      return;
    }
    if (rendered) {
      events.push({ type: 'item.done', item: rendered({ ...state, status: 'completed', result }) });
    } else {
      const output: Item = { type: 'function_call_output', id: newId('function_call_output'), call_id: call.callId, output: result.output, status: 'completed' };
      events.push({ type: 'item.added', item: { ...output, status: 'in_progress' } });
      events.push({ type: 'item.done', item: output });
    }
  } finally {
    events.finish();
  }
}

async function execute(
  call: StepToolCall,
  tool: ServerTool | undefined,
  itemId: string,
  events: CallEvents,
  limit: Semaphore,
  options: ToolExecutionOptions,
): Promise<ToolResult> {
  if (!tool) return { output: `Error: there is no tool named "${call.name}"`, isError: true };
  let release: (() => void) | undefined;
  let span: TraceSpan | undefined;
  try {
    release = await limit.acquire(options.signal);
    // Traced from when it runs: a wait for a parallel slot is not the tool's time.
    const { name, attributes } = toolCallSpan(call.name, call.callId);
    // The call's item id too: a hosted tool's item (`mcp_call`, …) has no `call_id` to join it by.
    span = options.span?.child(name, { kind: 'internal', attributes: { ...attributes, 'agentport.tool.item_id': itemId } });
    const result = await tool.execute(call.input, {
      signal: options.signal,
      tenant: options.tenant,
      responseId: options.responseId,
      callId: call.callId,
      emit: (progress) => events.push({ type: 'tool.progress', itemId, progress }),
      ...(span ? { span } : {}),
    });
    if (result.isError) span?.fail('tool_error', result.output.slice(0, 500));
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    span?.fail(options.signal.aborted ? 'cancelled' : errorCode(error), message);
    return { output: `Error: ${message}`, isError: true };
  } finally {
    span?.end();
    release?.();
  }
}

/** A thrown error's `code` when it has one (agentport's errors do), else its class name. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'error';
}
