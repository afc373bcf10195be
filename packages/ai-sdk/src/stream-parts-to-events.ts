import type { JsonSchemaValidator, ModelRequest, ModelStreamEvent } from '@agentport/core';
import { ModelError } from '@agentport/core';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { errorFromAiSdk } from './error-from-ai-sdk.js';
import { finishFromAiSdk } from './finish-reason.js';
import { checkToolCall, missingToolCall } from './tool-call-check.js';
import { usageFromAiSdk } from './usage.js';
import { warningFromAiSdk } from './warnings.js';

/**
 * Turns one AI SDK stream, part by part, into the port's events (`fromAiSdk`), with the checks
 * the port promises: tool calls and structured output validated, exactly one terminal event.
 * Block boundaries (`text-start`, `text-end`, …) carry nothing the port keeps.
 */
export class StreamPartsToEvents {
  /** Tool name by input id, for the argument fragments of calls streamed as JSON. */
  private readonly toolInputs = new Map<string, string>();
  private toolCallCount = 0;
  private answer = '';

  constructor(
    private readonly request: ModelRequest,
    private readonly validator: JsonSchemaValidator,
  ) {}

  /** The events for one part; a terminal event, when there is one, comes last and ends the stream. */
  push(part: LanguageModelV4StreamPart): ModelStreamEvent[] {
    switch (part.type) {
      case 'stream-start':
        return part.warnings.map((warning) => ({ type: 'warning', warning: warningFromAiSdk(warning) }));
      case 'text-delta':
        this.answer += part.delta;
        return part.delta === '' ? [] : [{ type: 'text-delta', delta: part.delta }];
      case 'reasoning-delta':
        return part.delta === '' ? [] : [{ type: 'reasoning-delta', delta: part.delta }];
      case 'tool-input-start':
        // Text-encoded inputs stream raw text that does not join to the call's JSON arguments: no fragments then.
        if (!part.providerExecuted && part.inputEncoding !== 'text') this.toolInputs.set(part.id, part.toolName);
        return [];
      case 'tool-input-delta': {
        const toolName = this.toolInputs.get(part.id);
        return toolName === undefined || part.delta === ''
          ? []
          : [{ type: 'tool-call-delta', toolCallId: part.id, toolName, argumentsDelta: part.delta }];
      }
      case 'tool-call':
        return part.providerExecuted ? [] : [this.toolCall(part.toolCallId, part.toolName, part.input)];
      case 'finish':
        return this.finish(part);
      case 'error':
        return [{ type: 'error', error: errorFromAiSdk(part.error) }];
      default:
        return [];
    }
  }

  /** The stream closed without a finish part. */
  end(): ModelStreamEvent {
    return { type: 'error', error: new ModelError('invalid_chunk', 'the AI SDK model ended its stream without a finish part') };
  }

  private toolCall(toolCallId: string, toolName: string, args: string): ModelStreamEvent {
    const checked = checkToolCall(this.request, this.validator, toolName, args);
    if (!checked.valid) return { type: 'error', error: checked.error };
    this.toolCallCount += 1;
    return { type: 'tool-call', toolCallId, toolName, arguments: args, input: checked.input };
  }

  private finish(part: Extract<LanguageModelV4StreamPart, { type: 'finish' }>): ModelStreamEvent[] {
    const outcome = finishFromAiSdk(part.finishReason, this.toolCallCount > 0);
    if ('error' in outcome) return [{ type: 'error', error: outcome.error }];
    const missing = outcome.reason === 'length' ? undefined : missingToolCall(this.request, this.toolCallCount);
    if (missing) return [{ type: 'error', error: missing }];
    const events: ModelStreamEvent[] = [];
    const { output } = this.request;
    // Only a final answer is structured output: not after tool calls, not when cut by the token limit.
    if (output && outcome.reason === 'stop') {
      const result = this.validator.validateJson(output.schema, this.answer);
      if (!result.valid) {
        const message = `output "${output.name}" does not match its schema: ${result.errors.join('; ')}`;
        return [{ type: 'error', error: new ModelError('invalid_structured_output', message) }];
      }
      events.push({ type: 'structured-output', text: this.answer, value: result.value });
    }
    const usage = usageFromAiSdk(part.usage);
    if (usage) events.push({ type: 'usage', usage });
    events.push({ type: 'finish', reason: outcome.reason });
    return events;
  }
}
