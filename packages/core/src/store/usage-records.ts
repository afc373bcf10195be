/** What responses used, summed: the figures a tenant is billed on. */
export interface UsageTotals {
  /** Responses that ended (completed, failed, incomplete or cancelled). */
  responses: number;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the upstream served from its prefix cache (where it reports them). */
  cachedInputTokens: number;
  /** Output tokens spent reasoning (where the upstream reports them). */
  reasoningTokens: number;
  /** Server tool calls run (code interpreter, MCP, shell, …). */
  toolCalls: number;
  /** Milliseconds the responses ran, from start to end. */
  runMs: number;
}

/** One tenant's use of one model in one hour (`hourStart`: Unix seconds, a multiple of 3600). */
export interface UsageHour extends UsageTotals {
  tenant: string;
  model: string;
  hourStart: number;
}

/** Which hours to read: `from` (inclusive) and `to` (exclusive) in Unix seconds; one tenant, or all. */
export interface UsageQuery {
  from: number;
  to: number;
  tenant?: string;
}

export const SECONDS_PER_HOUR = 3_600;

export const ZERO_USAGE_TOTALS: Readonly<UsageTotals> = Object.freeze({
  responses: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, toolCalls: 0, runMs: 0,
});

/** `into` plus `more`, field by field (in place). */
export function addUsageTotals(into: UsageTotals, more: UsageTotals): void {
  into.responses += more.responses;
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cachedInputTokens += more.cachedInputTokens;
  into.reasoningTokens += more.reasoningTokens;
  into.toolCalls += more.toolCalls;
  into.runMs += more.runMs;
}

/** The start of the hour a Unix time (seconds) falls in. */
export function hourOf(unixSeconds: number): number {
  return Math.floor(unixSeconds / SECONDS_PER_HOUR) * SECONDS_PER_HOUR;
}
