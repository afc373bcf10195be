import type { ModelUsage } from '@agentport/core';
import type { LanguageModelV4Usage } from '@ai-sdk/provider';

/** The AI SDK's usage as the port's; undefined when the provider counted nothing. */
export function usageFromAiSdk(usage: LanguageModelV4Usage | undefined): ModelUsage | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  if (usage === undefined || (input === undefined && output === undefined)) return undefined;
  const counted: ModelUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0, totalTokens: (input ?? 0) + (output ?? 0) };
  if (usage.inputTokens.cacheRead !== undefined) counted.cachedInputTokens = usage.inputTokens.cacheRead;
  if (usage.outputTokens.reasoning !== undefined) counted.reasoningTokens = usage.outputTokens.reasoning;
  return counted;
}

/** The port's usage in the AI SDK's shape; every count undefined when the model reported none. */
export function usageToAiSdk(usage: ModelUsage | undefined): LanguageModelV4Usage {
  const cached = usage?.cachedInputTokens;
  const reasoning = usage?.reasoningTokens;
  return {
    inputTokens: {
      total: usage?.inputTokens,
      noCache: usage && cached !== undefined ? usage.inputTokens - cached : undefined,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: usage?.outputTokens,
      text: usage && reasoning !== undefined ? usage.outputTokens - reasoning : undefined,
      reasoning,
    },
  };
}
