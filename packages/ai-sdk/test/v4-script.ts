import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelConformanceScenario } from '@agentport/core/testing';
import { splitEvenly, splitText } from '@agentport/core/testing';
import {
  APICallError, type LanguageModelV4CallOptions, type LanguageModelV4FinishReason, type LanguageModelV4StreamPart,
  type LanguageModelV4StreamResult, type LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';

/** Usage as a provider reports it: 10 in, `output` out, cache and reasoning not counted. */
export function v4Usage(output: number, input = 10): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

export function finishPart(unified: LanguageModelV4FinishReason['unified'], output = 5): LanguageModelV4StreamPart {
  return { type: 'finish', finishReason: { unified, raw: unified }, usage: v4Usage(output) };
}

/** A text block the way providers stream it: start, one delta per word, end. */
export function textBlock(text: string, id = 'text-0', kind: 'text' | 'reasoning' = 'text'): LanguageModelV4StreamPart[] {
  const deltas = splitText(text, undefined).map((delta) => ({ type: `${kind}-delta` as const, id, delta }));
  return [{ type: `${kind}-start`, id }, ...deltas, { type: `${kind}-end`, id }];
}

/** A tool call streamed as JSON fragments, then complete. */
export function toolCallParts(toolCallId: string, toolName: string, args: string, fragments = 3): LanguageModelV4StreamPart[] {
  return [
    { type: 'tool-input-start', id: toolCallId, toolName },
    ...splitEvenly(args, fragments).map((delta) => ({ type: 'tool-input-delta' as const, id: toolCallId, delta })),
    { type: 'tool-input-end', id: toolCallId },
    { type: 'tool-call', toolCallId, toolName, input: args },
  ];
}

/**
 * A provider's stream: the parts in order, `delayMs` apart, ending with the call's abort
 * reason as a fetch body would when the call's signal fires.
 */
export function partStream(parts: LanguageModelV4StreamPart[], signal?: AbortSignal, delayMs = 0): ReadableStream<LanguageModelV4StreamPart> {
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      if (delayMs > 0 && index > 0) await sleep(delayMs, undefined, signal ? { signal } : {}).catch(() => undefined);
      if (signal?.aborted) return controller.error(signal.reason);
      const part = parts[index++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

/** A mock model that streams `parts` on every call (a function: computed per call). */
export function mockModel(
  parts: LanguageModelV4StreamPart[] | ((options: LanguageModelV4CallOptions) => LanguageModelV4StreamPart[]),
  delayMs = 0,
): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async (options): Promise<LanguageModelV4StreamResult> => ({
      stream: partStream(typeof parts === 'function' ? parts(options) : parts, options.abortSignal, delayMs),
    }),
  });
}

export function apiCallError(statusCode: number | undefined, message: string): APICallError {
  return new APICallError({ message, url: 'http://127.0.0.1:1/v1/chat/completions', requestBodyValues: {}, statusCode });
}

/** The V4 parts a provider streams for one conformance scenario. */
export function scenarioParts(scenario: ModelConformanceScenario): LanguageModelV4StreamPart[] {
  const start: LanguageModelV4StreamPart = { type: 'stream-start', warnings: [] };
  switch (scenario.kind) {
    case 'text':
      return [start, ...textBlock(scenario.text), finishPart('stop')];
    case 'reasoning-then-text':
      return [start, ...textBlock(scenario.reasoning, 'reasoning-0', 'reasoning'), ...textBlock(scenario.text), finishPart('stop')];
    case 'tool-call':
      return [start, ...toolCallParts('call_1', scenario.toolName, JSON.stringify(scenario.input)), finishPart('tool-calls')];
    case 'invalid-tool-arguments':
      return [start, ...toolCallParts('call_1', scenario.toolName, scenario.arguments), finishPart('tool-calls')];
    case 'structured-output':
      return [start, ...textBlock(JSON.stringify(scenario.value)), finishPart('stop')];
    case 'length':
      return [start, ...textBlock(scenario.text), finishPart('length', 8)];
    case 'slow-text':
      return [start, ...textBlock('tok '.repeat(scenario.tokens)), finishPart('stop')];
    case 'provider-error':
      throw new Error('a provider error is thrown by doStream, not streamed');
  }
}

/** An AI SDK mock model playing one conformance scenario, the way an HTTP provider would. */
export function scenarioModel(scenario: ModelConformanceScenario): MockLanguageModelV4 {
  if (scenario.kind === 'provider-error') {
    return new MockLanguageModelV4({
      doStream: async () => {
        throw apiCallError(scenario.status, scenario.message);
      },
    });
  }
  return mockModel(scenarioParts(scenario), scenario.kind === 'slow-text' ? scenario.delayMs : 0);
}
