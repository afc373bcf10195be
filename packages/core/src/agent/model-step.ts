import type { FunctionCallItem, Item } from '../items/item.js';
import type { IAgentModel } from '../model/agent-model.js';
import { ModelError } from '../model/model-error.js';
import type { ModelRequest, ModelSession } from '../model/model-request.js';
import type { ModelFinishReason } from '../model/model-stream-event.js';
import { addUsage, ZERO_USAGE, type ModelUsage } from '../model/model-usage.js';
import type { AgentEvent } from './agent-event.js';
import { OpenItems } from './open-items.js';
import { ModelCallTrace } from './model-call-trace.js';
import type { SpanAttributes, TraceSpan } from '../tracing/tracer.js';

export interface StepToolCall {
  callId: string;
  name: string;
  arguments: string;
  input: unknown;
  /** The `function_call` item streamed for it; absent for hosted tools, which render their own. */
  item?: FunctionCallItem;
}

interface StepResult {
  /** Items this step finished, in output order. */
  items: Item[];
  usage: ModelUsage;
}

export type ModelStepOutcome = StepResult & (
  | {
    kind: 'finished';
    reason: ModelFinishReason;
    /** The answer's text when it was held back (`holdText`); otherwise ''. */
    text: string;
    calls: StepToolCall[];
    structured?: { text: string; value: unknown };
  }
  | { kind: 'failed'; error: ModelError }
  | { kind: 'cancelled' }
);

export interface ModelStepOptions {
  signal: AbortSignal;
  /** Tools that render their own item: their calls are not streamed as `function_call` items. */
  selfRenderingTools: ReadonlySet<string>;
  /** Hold the answer text back (structured output is shown only once validated). */
  holdText: boolean;
  /** The conversation the call belongs to, for a provider that routes by it. */
  session?: ModelSession;
  /** The run's span: the call is traced as its child (`chat {model}`), and its trace context goes to the provider. */
  span?: TraceSpan;
  /** More attributes for the call's span: where the call stands in its run (see the tool-loop agent). */
  traceAttributes?: SpanAttributes;
}

/**
 * Streams one model call and turns its events into item events. Returns what the step
 * produced; on error or cancel, every item it opened is closed as incomplete first.
 */
export async function* streamModelStep(
  model: IAgentModel,
  request: ModelRequest,
  options: ModelStepOptions,
): AsyncGenerator<AgentEvent, ModelStepOutcome> {
  const open = new OpenItems();
  const calls: StepToolCall[] = [];
  let usage: ModelUsage = ZERO_USAGE;
  let text = '';
  let structured: { text: string; value: unknown } | undefined;
  const trace = ModelCallTrace.start(model, request, options.span, options.traceAttributes);

  const stopped = async function* (error?: ModelError): AsyncGenerator<AgentEvent, ModelStepOutcome> {
    for (const event of open.close('incomplete')) yield event;
    const result = { items: open.done, usage };
    if (options.signal.aborted || error?.code === 'cancelled') {
      trace?.end(usage, { code: 'cancelled', message: 'the run was cancelled' });
      return { ...result, kind: 'cancelled' };
    }
    const failure = error ?? new ModelError('transport', 'model stream ended without a finish event');
    trace?.end(usage, failure);
    return { ...result, kind: 'failed', error: failure };
  };

  const callOptions = {
    signal: options.signal,
    ...(options.session ? { session: options.session } : {}),
    ...(trace ? { headers: trace.headers } : {}),
  };
  try {
    for await (const event of model.stream(request, callOptions)) {
      if (options.signal.aborted) return yield* stopped();
      switch (event.type) {
        case 'reasoning-delta':
          trace?.chunk();
          for (const agentEvent of open.reasoning(event.delta)) yield agentEvent;
          break;
        case 'text-delta':
          trace?.chunk();
          // Held text is kept here for its check; shown text is kept by its item.
          if (options.holdText) text += event.delta;
          else for (const agentEvent of open.message(event.delta)) yield agentEvent;
          break;
        case 'tool-call-delta':
          trace?.chunk();
          // Held back: a call is shown once the model port has validated it (the `tool-call`
          // event), so a call that is refused and retried never reaches a client that runs what it sees.
          break;
        case 'tool-call': {
          let item: FunctionCallItem | undefined;
          if (!options.selfRenderingTools.has(event.toolName)) {
            for (const agentEvent of open.completeCall(event.toolCallId, event.toolName, event.arguments)) yield agentEvent;
            item = open.done.at(-1) as FunctionCallItem;
          }
          calls.push({ callId: event.toolCallId, name: event.toolName, arguments: event.arguments, input: event.input, item });
          break;
        }
        case 'structured-output':
          structured = { text: event.text, value: event.value };
          break;
        case 'usage':
          usage = addUsage(usage, event.usage);
          break;
        case 'warning':
          break;
        case 'finish':
          for (const agentEvent of open.close('completed')) yield agentEvent;
          trace?.end(usage, undefined, event.reason);
          return { kind: 'finished', reason: event.reason, text, calls, structured, items: open.done, usage };
        case 'error':
          return yield* stopped(event.error);
      }
    }
    return yield* stopped();
  } catch (error) {
    if (options.signal.aborted) return yield* stopped();
    return yield* stopped(ModelError.is(error)
      ? error
      : new ModelError('transport', `model stream failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  } finally {
    // The run stopped reading (a shutdown left it for the next process): the span still ends.
    trace?.end(usage, { code: 'cancelled', message: 'the run stopped reading the model call' });
  }
}
