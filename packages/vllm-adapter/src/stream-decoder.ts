import {
  type JsonSchema,
  type JsonSchemaValidator,
  ModelError,
  type ModelFinishReason,
  type ModelOutputSpec,
  type ModelStreamEvent,
  type ModelToolSpec,
  type ModelUsage,
  type ValidationResult,
} from '@agentport/core';
import type { ChatChunkChoice, ChatCompletionChunk, ChatDelta, ChatToolCallFragment, ChatUsage } from './chat-completion-wire.js';
import { mapStreamErrorChunk, readErrorDetail } from './error-mapper.js';

/** vLLM's last SSE event. */
export const DONE_MARKER = '[DONE]';

export interface ChatStreamDecoderOptions {
  tools: readonly ModelToolSpec[];
  output?: ModelOutputSpec;
  validator: JsonSchemaValidator;
  /** Names a tool call the server sent without an id (vLLM always sends one). */
  newToolCallId: () => string;
}

interface PendingToolCall {
  id?: string;
  name?: string;
  arguments: string;
  /** A `tool-call-delta` went out: from then on each fragment is passed on as it comes. */
  announced: boolean;
}

/** How the body ended: with vLLM's `[DONE]`, or just closed. */
export type StreamEnd = 'done-marker' | 'body-ended';

/**
 * Turns the `data` payloads of one chat-completions stream into `ModelStreamEvent`s: text and
 * reasoning deltas as they come, tool-call fragments joined by `index` and emitted as one
 * validated `tool-call` at the finish reason, then structured output, usage and `finish` at
 * the end. A failure becomes an `error` event, always the last one; nothing follows a terminal
 * event.
 */
export class ChatStreamDecoder {
  private readonly toolsByName: ReadonlyMap<string, ModelToolSpec>;
  private readonly pendingToolCalls = new Map<number, PendingToolCall>();
  private finishReason: ModelFinishReason | undefined;
  private usage: ModelUsage | undefined;
  private toolCallCount = 0;
  /** The answer's text, kept only when it must be checked as structured output. */
  private answer = '';
  private refusal = '';
  private terminated = false;

  constructor(private readonly options: ChatStreamDecoderOptions) {
    this.toolsByName = new Map(options.tools.map((tool) => [tool.name, tool]));
  }

  /** True once a `finish` or `error` event was produced. */
  get finished(): boolean {
    return this.terminated;
  }

  /** Decodes one SSE `data` payload, appending what it yields to `out`. */
  decode(data: string, out: ModelStreamEvent[]): void {
    if (this.terminated) return;
    try {
      this.decodePayload(data, out);
    } catch (error) {
      this.fail(out, asModelError(error));
    }
  }

  /**
   * The terminal events once the body is over. A stream with no finish reason did not
   * complete (the server died or cut it): that is an error, never a success.
   */
  end(how: StreamEnd, out: ModelStreamEvent[]): void {
    if (this.terminated) return;
    try {
      this.endStream(how, out);
    } catch (error) {
      this.fail(out, asModelError(error));
    }
  }

  /**
   * Decodes a whole `chat.completion` body, for a server that answered with JSON although
   * the request asked for a stream: it goes through the same checks as a stream.
   */
  decodeCompletion(body: unknown, out: ModelStreamEvent[]): void {
    if (this.terminated) return;
    try {
      this.decodeChunk(completionAsChunk(body), out);
      this.endStream('body-ended', out);
    } catch (error) {
      this.fail(out, asModelError(error));
    }
  }

  private decodePayload(data: string, out: ModelStreamEvent[]): void {
    if (data === DONE_MARKER) {
      this.endStream('done-marker', out);
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fail(out, new ModelError('invalid_chunk', `vLLM sent a chunk that is not JSON: ${preview(data)}`));
      return;
    }
    this.decodeChunk(chunk, out);
  }

  private decodeChunk(chunk: unknown, out: ModelStreamEvent[]): void {
    if (typeof chunk !== 'object' || chunk === null) {
      this.fail(out, new ModelError('invalid_chunk', `vLLM sent a chunk that is not an object: ${preview(JSON.stringify(chunk))}`));
      return;
    }
    const errorDetail = 'error' in chunk || (chunk as { object?: unknown }).object === 'error' ? readErrorDetail(chunk) : undefined;
    if (errorDetail) {
      this.fail(out, mapStreamErrorChunk(errorDetail));
      return;
    }
    const { choices, usage } = chunk as Partial<ChatCompletionChunk>;
    if (!Array.isArray(choices)) {
      this.fail(out, new ModelError('invalid_chunk', `vLLM sent a chunk without choices: ${preview(JSON.stringify(chunk))}`));
      return;
    }
    if (usage) this.usage = mapUsage(usage);
    const choice = firstChoice(choices);
    if (!choice) return;
    if (choice.delta) this.decodeDelta(choice.delta, out);
    if (this.terminated) return;
    if (typeof choice.finish_reason === 'string') this.finish(choice.finish_reason, out);
  }

  private endStream(how: StreamEnd, out: ModelStreamEvent[]): void {
    if (this.finishReason === undefined) {
      this.fail(
        out,
        how === 'done-marker'
          ? new ModelError('invalid_chunk', 'vLLM ended the stream with [DONE] before any finish_reason')
          : new ModelError('transport', 'vLLM closed the stream before a finish_reason: the answer is incomplete'),
      );
      return;
    }
    if (this.refusal !== '') {
      this.fail(out, new ModelError('refusal', `the model refused: ${this.refusal}`, { providerMessage: this.refusal }));
      return;
    }
    const output = this.options.output;
    // A structured answer is checked only when the model gave one: not after tool calls, not when cut by the token limit.
    if (output && this.finishReason === 'stop' && this.toolCallCount === 0) {
      const result = this.validate(output.schema, this.answer);
      if (!result.valid) {
        this.fail(
          out,
          new ModelError('invalid_structured_output', `output "${output.name}" does not match its schema: ${result.errors.join('; ')}`),
        );
        return;
      }
      out.push({ type: 'structured-output', text: this.answer, value: result.value });
    }
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'finish', reason: this.finishReason });
    this.terminated = true;
  }

  private decodeDelta(delta: ChatDelta, out: ModelStreamEvent[]): void {
    // Servers that send both names carry the same text in each: read one, never both.
    const reasoning = typeof delta.reasoning === 'string' ? delta.reasoning : delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'reasoning-delta', delta: reasoning });
    const content = delta.content;
    if (typeof content === 'string' && content !== '') {
      if (this.options.output) this.answer += content;
      out.push({ type: 'text-delta', delta: content });
    }
    if (typeof delta.refusal === 'string') this.refusal += delta.refusal;
    if (Array.isArray(delta.tool_calls)) {
      for (const [position, fragment] of delta.tool_calls.entries()) {
        if (!this.addToolCallFragment(fragment, position, out)) return;
      }
    }
  }

  private addToolCallFragment(fragment: ChatToolCallFragment, position: number, out: ModelStreamEvent[]): boolean {
    if (typeof fragment !== 'object' || fragment === null) {
      this.fail(out, new ModelError('invalid_chunk', 'vLLM sent a tool call fragment that is not an object'));
      return false;
    }
    const index = typeof fragment.index === 'number' ? fragment.index : position;
    let call = this.pendingToolCalls.get(index);
    if (!call) {
      call = { arguments: '', announced: false };
      this.pendingToolCalls.set(index, call);
    }
    if (typeof fragment.id === 'string' && fragment.id !== '' && call.id === undefined) call.id = fragment.id;
    const name = fragment.function?.name;
    if (typeof name === 'string' && name !== '' && call.name === undefined) call.name = name;
    const argumentsDelta = fragment.function?.arguments;
    const piece = typeof argumentsDelta === 'string' ? argumentsDelta : '';
    call.arguments += piece;
    if (call.id === undefined || call.name === undefined) return true;
    if (!call.announced) {
      // The first delta announces the call (for UIs) with what arrived before the id and name were known, maybe nothing.
      call.announced = true;
      out.push({ type: 'tool-call-delta', toolCallId: call.id, toolName: call.name, argumentsDelta: call.arguments });
    } else if (piece !== '') {
      out.push({ type: 'tool-call-delta', toolCallId: call.id, toolName: call.name, argumentsDelta: piece });
    }
    return true;
  }

  /** At the finish reason every tool call is complete: each is parsed, validated and emitted. */
  private finish(reason: string, out: ModelStreamEvent[]): void {
    const mapped = mapFinishReason(reason);
    if (!mapped) {
      this.fail(out, new ModelError('provider_error', `vLLM ended the answer with finish_reason "${reason}"`, { providerMessage: reason }));
      return;
    }
    const calls = [...this.pendingToolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    this.pendingToolCalls.clear();
    for (const call of calls) {
      if (!this.completeToolCall(call, out)) return;
    }
    // A named tool choice may end with "stop"; the port says tool_calls whenever calls were made.
    this.finishReason = this.toolCallCount > 0 && mapped === 'stop' ? 'tool_calls' : mapped;
  }

  private completeToolCall(call: PendingToolCall, out: ModelStreamEvent[]): boolean {
    if (call.name === undefined) {
      this.fail(out, new ModelError('invalid_chunk', 'vLLM sent a tool call without a function name'));
      return false;
    }
    const toolName = call.name;
    const toolCallId = call.id ?? this.options.newToolCallId();
    const tool = this.toolsByName.get(toolName);
    if (!tool) {
      this.fail(out, new ModelError('invalid_tool_arguments', `the model called tool "${toolName}", which the request does not offer`));
      return false;
    }
    let args = call.arguments;
    // A tool without parameters may come with no argument text at all: that is `{}`.
    if (args === '') {
      args = '{}';
      out.push({ type: 'tool-call-delta', toolCallId, toolName, argumentsDelta: args });
    }
    const result = this.validate(tool.parameters, args);
    if (!result.valid) {
      this.fail(out, new ModelError('invalid_tool_arguments', `invalid arguments for tool "${toolName}": ${result.errors.join('; ')}`));
      return false;
    }
    this.toolCallCount += 1;
    out.push({ type: 'tool-call', toolCallId, toolName, arguments: args, input: result.value });
    return true;
  }

  private validate(schema: JsonSchema, text: string): ValidationResult {
    try {
      return this.options.validator.validateJson(schema, text);
    } catch (error) {
      // A schema ajv cannot compile is the request's fault, not the model's.
      throw new ModelError('bad_request', `a schema of the request does not compile: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(out: ModelStreamEvent[], error: ModelError): void {
    out.push({ type: 'error', error });
    this.terminated = true;
  }
}

function mapFinishReason(reason: string): ModelFinishReason | undefined {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return undefined;
  }
}

function mapUsage(usage: ChatUsage): ModelUsage {
  const inputTokens = usage.prompt_tokens ?? 0;
  const outputTokens = usage.completion_tokens ?? 0;
  const mapped: ModelUsage = { inputTokens, outputTokens, totalTokens: usage.total_tokens ?? inputTokens + outputTokens };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') mapped.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') mapped.reasoningTokens = reasoning;
  return mapped;
}

/** A `chat.completion` body as one chunk: its message becomes the delta, tool calls get their index. */
function completionAsChunk(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { choices?: unknown }).choices)) return body;
  const completion = body as { choices: Array<{ index?: number; message?: ChatDelta | null; finish_reason?: string | null }>; usage?: unknown };
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const message = choice.message ?? {};
      const toolCalls = Array.isArray(message.tool_calls)
        ? message.tool_calls.map((call, index) => ({ ...call, index: call.index ?? index }))
        : message.tool_calls;
      return { index: choice.index, delta: { ...message, tool_calls: toolCalls }, finish_reason: choice.finish_reason };
    }),
  };
}

function asModelError(error: unknown): ModelError {
  if (ModelError.is(error)) return error;
  return new ModelError('invalid_chunk', `cannot decode vLLM's stream: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The first choice (index 0): the adapter never asks for n > 1. A loop, not `find`: this runs per token. */
function firstChoice(choices: readonly ChatChunkChoice[]): ChatChunkChoice | undefined {
  for (const candidate of choices) if ((candidate.index ?? 0) === 0) return candidate;
  return undefined;
}
