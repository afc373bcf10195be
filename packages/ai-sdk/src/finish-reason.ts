import { ModelError, type ModelFinishReason } from '@agentport/core';
import type { LanguageModelV3FinishReason, LanguageModelV4FinishReason } from '@ai-sdk/provider';

/** How an AI SDK finish ends a port stream: a finish reason, or the error the provider's finish stands for. */
export type FinishOutcome = { reason: ModelFinishReason } | { error: ModelError };

/**
 * `other` and `stop` become `tool_calls` when the model called tools (some providers say `stop`
 * then); `error` and `interrupted` have no port reason and end the stream with an error instead.
 */
export function finishFromAiSdk(finish: LanguageModelV4FinishReason | LanguageModelV3FinishReason, calledTools: boolean): FinishOutcome {
  const raw = finish.raw === undefined ? '' : ` (${finish.raw})`;
  switch (finish.unified) {
    case 'length':
      return { reason: 'length' };
    case 'content-filter':
      return { reason: 'content_filter' };
    case 'tool-calls':
      return { reason: 'tool_calls' };
    case 'stop':
    case 'other':
      return { reason: calledTools ? 'tool_calls' : 'stop' };
    case 'error':
      return { error: new ModelError('provider_error', `the provider ended the generation with an error${raw}`) };
    case 'interrupted':
      return { error: new ModelError('transport', `the provider's stream ended without a completion signal${raw}: the answer is incomplete`) };
  }
}

const UNIFIED: Record<ModelFinishReason, LanguageModelV4FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  content_filter: 'content-filter',
};

/** A port finish reason as the AI SDK's, the port's name kept as the raw reason. */
export function finishToAiSdk(reason: ModelFinishReason): LanguageModelV4FinishReason {
  return { unified: UNIFIED[reason], raw: reason };
}
