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
    text: params.echo.text,
    tool_choice: params.echo.toolChoice,
    tools: params.echo.tools,
    truncation: params.echo.truncation,
    store: params.store,
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
    temperature: (echo.temperature as number | null | undefined) ?? null,
    top_p: (echo.top_p as number | null | undefined) ?? null,
    text: (echo.text as JsonObject | undefined) ?? { format: { type: 'text' } },
    tool_choice: (echo.tool_choice as JsonValue | undefined) ?? 'auto',
    tools: (echo.tools as JsonValue[] | undefined) ?? [],
    truncation: (echo.truncation as 'auto' | 'disabled' | undefined) ?? 'disabled',
    usage: (record.usage as unknown as ResponseUsage | null) ?? null,
    metadata: record.metadata,
  };
}
