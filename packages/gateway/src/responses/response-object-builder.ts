import type { Item, JsonObject, JsonValue, ResponseRecord } from '@agentport/core';
import type { ResponseObject, ResponseUsage } from '../encoder/response-object.js';
import type { CreateResponseParams } from '../request/create-response-params.js';

/** The request settings a response echoes, as stored in `ResponseRecord.request`. */
export function requestEcho(params: CreateResponseParams): JsonObject {
  return {
    instructions: params.instructions,
    max_output_tokens: params.maxOutputTokens,
    max_tool_calls: params.maxToolCalls,
    parallel_tool_calls: params.parallelToolCalls,
    temperature: params.temperature,
    top_p: params.topP,
    presence_penalty: params.presencePenalty ?? 0,
    frequency_penalty: params.frequencyPenalty ?? 0,
    top_logprobs: params.topLogprobs,
    reasoning: { ...params.echo.reasoning },
    service_tier: params.echo.serviceTier,
    safety_identifier: params.echo.safetyIdentifier,
    prompt_cache_key: params.echo.promptCacheKey,
    user: params.echo.user,
    text: params.echo.text,
    tool_choice: params.echo.toolChoice,
    tools: params.echo.tools,
    truncation: params.echo.truncation,
    store: params.store,
    // Not shown in the response object: kept so a resumed background run seals its reasoning as asked.
    include: params.include,
  };
}

/** The `response` object of a stored record and its output items. */
export function toResponseObject(record: ResponseRecord, output: Item[]): ResponseObject {
  const echo = record.request;
  return {
    id: record.id,
    object: 'response',
    created_at: record.createdAt,
    status: record.status,
    background: record.background,
    completed_at: record.completedAt,
    error: record.error,
    incomplete_details: record.incompleteDetails,
    instructions: (echo.instructions as string | null | undefined) ?? null,
    max_output_tokens: (echo.max_output_tokens as number | null | undefined) ?? null,
    max_tool_calls: (echo.max_tool_calls as number | null | undefined) ?? null,
    model: record.model,
    output,
    parallel_tool_calls: (echo.parallel_tool_calls as boolean | undefined) ?? true,
    previous_response_id: record.previousResponseId,
    conversation: record.conversationId ? { id: record.conversationId } : null,
    store: (echo.store as boolean | undefined) ?? true,
    // Records stored before these fields were echoed read as OpenAI's defaults.
    temperature: (echo.temperature as number | null | undefined) ?? 1,
    top_p: (echo.top_p as number | null | undefined) ?? 1,
    presence_penalty: (echo.presence_penalty as number | undefined) ?? 0,
    frequency_penalty: (echo.frequency_penalty as number | undefined) ?? 0,
    top_logprobs: (echo.top_logprobs as number | undefined) ?? 0,
    reasoning: (echo.reasoning as ResponseObject['reasoning'] | undefined) ?? { effort: null, summary: null },
    service_tier: (echo.service_tier as string | undefined) ?? 'default',
    safety_identifier: (echo.safety_identifier as string | null | undefined) ?? null,
    prompt_cache_key: (echo.prompt_cache_key as string | null | undefined) ?? null,
    user: (echo.user as string | null | undefined) ?? null,
    text: (echo.text as JsonObject | undefined) ?? { format: { type: 'text' } },
    tool_choice: (echo.tool_choice as JsonValue | undefined) ?? 'auto',
    tools: (echo.tools as JsonValue[] | undefined) ?? [],
    truncation: (echo.truncation as 'auto' | 'disabled' | undefined) ?? 'disabled',
    usage: (record.usage as unknown as ResponseUsage | null) ?? null,
    metadata: record.metadata,
  };
}
