import { newId } from '../items/ids.js';
import type { Item } from '../items/item.js';
import type { ServerTool, Tool } from '../tools/tool.js';
import type { RunContext } from './agent.js';
import type { AgentEvent } from './agent-event.js';
import type { ClientToolBridge, ClientToolOutput } from './client-tool-bridge.js';
import type { StepToolCall } from './model-step.js';
import { requestApprovals } from './tool-approval.js';
import { runServerTools, type ServerToolCall } from './tool-execution.js';

export interface ToolCallStepInput {
  tools: ReadonlyMap<string, Tool>;
  ctx: RunContext;
  /** Server calls of this step running at once. */
  maxParallel: number;
  /** Server calls the run may still make. */
  callsLeft: number;
  /** The run's output so far; this step's items are appended. */
  produced: Item[];
}

/** How the run goes on after a step's tool calls. */
export type ToolCallStepEnd = 'continue' | 'completed' | 'cancelled' | 'max_tool_calls';

/**
 * A step's tool calls: server calls run (in parallel up to a cap, items in call order),
 * calls that need approval are put to the caller, client calls are handed to the caller —
 * through the bridge within this run when there is one, otherwise by ending the run.
 */
export async function* handleToolCalls(
  calls: readonly StepToolCall[],
  input: ToolCallStepInput,
): AsyncGenerator<AgentEvent, { end: ToolCallStepEnd; serverCalls: number }> {
  const { tools, ctx, produced } = input;
  const serverCalls: ServerToolCall[] = [];
  const awaitingApproval: ServerToolCall[] = [];
  const clientCalls: StepToolCall[] = [];
  for (const call of calls) {
    const tool = tools.get(call.name);
    if (tool?.execution === 'client') clientCalls.push(call);
    else if (tool?.approval?.required(call.input)) awaitingApproval.push({ call, tool });
    else serverCalls.push({ call, tool: tool as ServerTool | undefined });
  }
  if (serverCalls.length > input.callsLeft) return { end: 'max_tool_calls', serverCalls: 0 };
  if (serverCalls.length > 0) {
    const execution = yield* runServerTools(serverCalls, {
      signal: ctx.signal, tenant: ctx.tenant, responseId: ctx.responseId, maxParallel: input.maxParallel, ...(ctx.span ? { span: ctx.span } : {}),
    });
    produced.push(...execution.items);
    if (execution.kind === 'cancelled') return { end: 'cancelled', serverCalls: serverCalls.length };
  }
  const done = (end: ToolCallStepEnd) => ({ end, serverCalls: serverCalls.length });
  if (awaitingApproval.length > 0) {
    // The caller answers in a new request; this step's client calls are answered there too.
    yield* requestApprovals(awaitingApproval, produced);
    return done('completed');
  }
  if (clientCalls.length > 0) {
    // Without a bridge (or when the caller does not answer in time) a client call ends the
    // run: the caller runs it and continues with its output in a new request.
    const outputs = ctx.clientTools ? yield* awaitClientOutputs(ctx.clientTools, clientCalls, ctx.signal, produced) : undefined;
    if (ctx.signal.aborted) return done('cancelled');
    if (!outputs) return done('completed');
  }
  return done('continue');
}

/**
 * Waits for the caller's outputs of this step's client calls and shows each as a
 * `function_call_output` item. Undefined when the caller did not answer in time.
 */
async function* awaitClientOutputs(
  bridge: ClientToolBridge,
  calls: readonly StepToolCall[],
  signal: AbortSignal,
  produced: Item[],
): AsyncGenerator<AgentEvent, ClientToolOutput[] | undefined> {
  for (const call of calls) yield { type: 'client_tool.waiting', callId: call.callId };
  let outputs: ClientToolOutput[] | undefined;
  try {
    outputs = await bridge.awaitOutputs(calls.map(({ callId, name, arguments: args }) => ({ callId, name, arguments: args })), signal);
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
  if (!outputs) return undefined;
  for (const { callId, output } of outputs) {
    yield { type: 'client_tool.received', callId };
    const item: Item = { type: 'function_call_output', id: newId('function_call_output'), call_id: callId, output, status: 'completed' };
    yield { type: 'item.added', item: { ...item, status: 'in_progress' } };
    yield { type: 'item.done', item };
    produced.push(item);
  }
  return outputs;
}
