import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { AGENT_MODEL_SPEC_VERSION, type IAgentModel } from '../model/agent-model.js';
import type { ModelCapabilities } from '../model/capabilities.js';
import { collectModelResponse } from '../model/collect-model-response.js';
import { ModelError, type ModelErrorCode } from '../model/model-error.js';
import type { CallOptions, ModelRequest } from '../model/model-request.js';
import type { ModelResponse } from '../model/model-response.js';
import type { ModelFinishReason, ModelStreamEvent } from '../model/model-stream-event.js';
import type { ModelUsage } from '../model/model-usage.js';
import { JsonSchemaValidator } from '../schema/json-schema-validator.js';
import { splitEvenly, splitText } from './text-pieces.js';

/** One piece of a scripted model turn, played in order. */
export type ScriptedPart =
  /** Streamed as `chunks` text deltas; by default one delta per word (whitespace kept). */
  | { type: 'text'; text: string; chunks?: number }
  | { type: 'reasoning'; text: string; chunks?: number }
  /** `tool-call-delta` fragments of `JSON.stringify(input)`, then one validated `tool-call`. */
  | { type: 'tool-call'; name: string; input: unknown; id?: string; chunks?: number }
  /** Raw argument text, possibly broken JSON, validated like a real adapter does. */
  | { type: 'tool-call-raw'; name: string; arguments: string; id?: string }
  /** Text deltas of `JSON.stringify(value)`; on a request with `output` it becomes a `structured-output` event. */
  | { type: 'structured-output'; value: unknown }
  /** A pause (abortable), to test cancellation and timeouts. */
  | { type: 'delay'; ms: number }
  | { type: 'warning'; code: string; message: string };

/** What the model does for one call. */
export interface ScriptedStep {
  parts: ScriptedPart[];
  /** Default: `tool_calls` when the step has tool calls, else `stop`. */
  finish?: ModelFinishReason;
  /** Default: 10 input tokens, one output token per delta (at least one), total = input + output. */
  usage?: Partial<ModelUsage>;
  /** Ends the stream with this error: after the parts when `afterParts`, else instead of them. */
  error?: { code: ModelErrorCode; message: string; status?: number; afterParts?: boolean };
}

export type ScriptedSteps = ScriptedStep[] | ((request: ModelRequest, callIndex: number) => ScriptedStep);

export interface ScriptedModelOptions {
  /** Default `scripted:model`. */
  id?: string;
  /** Merged over the defaults: everything supported and constrained. */
  capabilities?: Partial<ModelCapabilities>;
}

const DEFAULT_INPUT_TOKENS = 10;
/** JSON written by the script (tool arguments, structured output) streams in this many deltas. */
const DEFAULT_JSON_CHUNKS = 2;

const DEFAULT_CAPABILITIES: ModelCapabilities = {
  tools: true,
  toolChoice: { auto: 'constrained', required: 'constrained', named: 'constrained' },
  structuredOutput: 'constrained',
  reasoning: true,
  parallelToolCalls: true,
};

/** What the script plays next: an event to send, or a pause. */
type PlannedEvent = ModelStreamEvent | { type: 'wait'; ms: number };

/**
 * An `IAgentModel` that plays scripted steps, one per call, with a real adapter's contract:
 * tool arguments and structured output are validated against the request's schemas, the
 * stream ends with exactly one `finish` or `error`, and aborting ends it with `cancelled`.
 * Call ids default to `call_1`, `call_2`, … counted over the model's life.
 */
export class ScriptedModel implements IAgentModel {
  readonly specificationVersion = AGENT_MODEL_SPEC_VERSION;
  readonly id: string;
  /** Every request received, in order, copied when received. */
  readonly requests: ModelRequest[] = [];
  /** The headers each call was given (`CallOptions.headers`: its trace context), in order. */
  readonly callHeaders: Array<Record<string, string>> = [];
  private readonly steps: ScriptedSteps;
  private readonly modelCapabilities: ModelCapabilities;
  private readonly validator = new JsonSchemaValidator();
  private nextToolCallNumber = 1;

  constructor(steps: ScriptedSteps, options: ScriptedModelOptions = {}) {
    this.steps = steps;
    this.id = options.id ?? 'scripted:model';
    this.modelCapabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  }

  get callCount(): number {
    return this.requests.length;
  }

  capabilities(): ModelCapabilities {
    return structuredClone(this.modelCapabilities);
  }

  stream(request: ModelRequest, options: CallOptions = {}): AsyncIterable<ModelStreamEvent> {
    const callIndex = this.requests.length;
    this.requests.push(structuredClone(request));
    this.callHeaders.push({ ...options.headers });
    return this.play(this.stepFor(request, callIndex), request, options);
  }

  async complete(request: ModelRequest, options: CallOptions = {}): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request, options));
  }

  private stepFor(request: ModelRequest, callIndex: number): ScriptedStep {
    if (typeof this.steps === 'function') return this.steps(request, callIndex);
    return this.steps[callIndex] ?? {
      parts: [],
      error: { code: 'provider_error', message: `ScriptedModel: no step left for call ${callIndex + 1}` },
    };
  }

  private async *play(step: ScriptedStep, request: ModelRequest, options: CallOptions): AsyncGenerator<ModelStreamEvent> {
    const timeoutSignal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [options.signal, timeoutSignal].filter((signal): signal is AbortSignal => signal !== undefined);
    const stopSignal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    const stopError = (): ModelError | undefined => {
      if (options.signal?.aborted) return new ModelError('cancelled', 'the model call was aborted', { cause: options.signal.reason });
      if (timeoutSignal?.aborted) return new ModelError('timeout', `the model call took longer than ${options.timeoutMs} ms`);
      return undefined;
    };

    const plan = this.plan(step, request);
    while (true) {
      const stopped = stopError();
      if (stopped) {
        yield { type: 'error', error: stopped };
        return;
      }
      const next = plan.next();
      if (next.done) return;
      const planned = next.value;
      if (planned.type === 'wait') {
        await sleep(planned.ms, undefined, stopSignal ? { signal: stopSignal } : {}).catch(ignoreAbort);
        continue;
      }
      yield planned;
      if (planned.type === 'finish' || planned.type === 'error') return;
      // Lets a consumer's timers and aborts run between two events, as a network stream would.
      await nextTurn();
    }
  }

  /** The step's events in order, computed lazily so validation happens where an adapter's would. */
  private *plan(step: ScriptedStep, request: ModelRequest): Generator<PlannedEvent, void> {
    if (step.error && !step.error.afterParts) {
      yield { type: 'error', error: scriptedError(step.error) };
      return;
    }
    let deltaCount = 0;
    let toolCallCount = 0;
    let text = '';
    for (const part of step.parts) {
      switch (part.type) {
        case 'text':
        case 'structured-output': {
          const partText = part.type === 'text' ? part.text : (JSON.stringify(part.value) ?? '');
          const chunks = part.type === 'text' ? splitText(partText, part.chunks) : splitEvenly(partText, DEFAULT_JSON_CHUNKS);
          for (const delta of chunks) {
            deltaCount += 1;
            text += delta;
            yield { type: 'text-delta', delta };
          }
          break;
        }
        case 'reasoning':
          for (const delta of splitText(part.text, part.chunks)) {
            deltaCount += 1;
            yield { type: 'reasoning-delta', delta };
          }
          break;
        case 'tool-call':
        case 'tool-call-raw': {
          const toolCallId = part.id ?? `call_${this.nextToolCallNumber++}`;
          const args = part.type === 'tool-call' ? (JSON.stringify(part.input) ?? '') : part.arguments;
          const chunks = part.type === 'tool-call' ? splitEvenly(args, part.chunks ?? DEFAULT_JSON_CHUNKS) : [args];
          for (const argumentsDelta of chunks) {
            deltaCount += 1;
            yield { type: 'tool-call-delta', toolCallId, toolName: part.name, argumentsDelta };
          }
          const checked = this.checkToolCall(request, part.name, args);
          if (!checked.valid) {
            yield { type: 'error', error: checked.error };
            return;
          }
          toolCallCount += 1;
          yield { type: 'tool-call', toolCallId, toolName: part.name, arguments: args, input: checked.input };
          break;
        }
        case 'delay':
          yield { type: 'wait', ms: part.ms };
          break;
        case 'warning':
          yield { type: 'warning', warning: { code: part.code, message: part.message } };
          break;
      }
    }
    if (step.error) {
      yield { type: 'error', error: scriptedError(step.error) };
      return;
    }
    const finish = step.finish ?? (toolCallCount > 0 ? 'tool_calls' : 'stop');
    // A structured-output request's final answer is its text, checked against the schema.
    if (request.output && finish === 'stop' && toolCallCount === 0) {
      const result = this.validator.validateJson(request.output.schema, text);
      if (!result.valid) {
        yield {
          type: 'error',
          error: new ModelError('invalid_structured_output', `output "${request.output.name}" does not match its schema: ${result.errors.join('; ')}`),
        };
        return;
      }
      yield { type: 'structured-output', text, value: result.value };
    }
    yield { type: 'usage', usage: scriptedUsage(step.usage, deltaCount) };
    yield { type: 'finish', reason: finish };
  }

  private checkToolCall(
    request: ModelRequest,
    name: string,
    args: string,
  ): { valid: true; input: unknown } | { valid: false; error: ModelError } {
    const tool = request.tools?.find((candidate) => candidate.name === name);
    if (!tool) {
      return { valid: false, error: new ModelError('invalid_tool_arguments', `the model called tool "${name}", which the request does not offer`) };
    }
    const result = this.validator.validateJson(tool.parameters, args);
    if (!result.valid) {
      return { valid: false, error: new ModelError('invalid_tool_arguments', `invalid arguments for tool "${name}": ${result.errors.join('; ')}`) };
    }
    return { valid: true, input: result.value };
  }
}

function scriptedError(error: NonNullable<ScriptedStep['error']>): ModelError {
  return new ModelError(error.code, error.message, { status: error.status, providerMessage: error.message });
}

function scriptedUsage(usage: Partial<ModelUsage> | undefined, deltaCount: number): ModelUsage {
  const inputTokens = usage?.inputTokens ?? DEFAULT_INPUT_TOKENS;
  const outputTokens = usage?.outputTokens ?? Math.max(1, deltaCount);
  return { ...usage, inputTokens, outputTokens, totalTokens: usage?.totalTokens ?? inputTokens + outputTokens };
}

function ignoreAbort(error: unknown): void {
  if (error instanceof Error && error.name === 'AbortError') return;
  throw error;
}
