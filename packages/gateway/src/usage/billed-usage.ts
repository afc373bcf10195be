import { isToolResultItem } from '@agentport/core';
import type { ResponseObject } from '../encoder/response-object.js';
import type { UsageEntry } from './usage-ledger.js';

/**
 * What an ended response is billed for: its usage (every step's, summed by the run), the server
 * tool calls it ran (one result item each), and how long it ran. A resumed response counts what
 * ran in this process; the usage of steps a previous process ran is not in its usage object.
 */
export function billedUsage(response: ResponseObject, runMs: number): UsageEntry['usage'] {
  const usage = response.usage;
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cachedInputTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: usage?.output_tokens_details?.reasoning_tokens ?? 0,
    toolCalls: response.output.filter(isToolResultItem).length,
    runMs: Math.round(runMs),
  };
}
