import type { Item, JsonObject, JsonValue, ModelUsage, ResponseStatus } from '@agentport/core';

/** The Responses API usage object. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** The Responses API `response` object, as `GET /v1/responses/{id}` and stream snapshots show it. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: Item[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  conversation: { id: string } | null;
  store: boolean;
  temperature: number;
  top_p: number;
  presence_penalty: number;
  frequency_penalty: number;
  top_logprobs: number;
  reasoning: { effort: string | null; summary: string | null };
  service_tier: string;
  safety_identifier: string | null;
  prompt_cache_key: string | null;
  user: string | null;
  text: JsonObject;
  tool_choice: JsonValue;
  tools: JsonValue[];
  truncation: 'disabled' | 'auto';
  usage: ResponseUsage | null;
  metadata: Record<string, string>;
}

export function toResponseUsage(usage: ModelUsage): ResponseUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}
