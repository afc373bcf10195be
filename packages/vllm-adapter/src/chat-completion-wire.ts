/**
 * The parts of vLLM's `/v1/chat/completions` protocol the adapter sends and reads
 * (`vllm/entrypoints/openai/chat_completion/protocol.py`). Only what agentport uses is typed;
 * the server accepts more.
 */
import type { JsonSchema } from '@agentport/core';

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string; reasoning?: string; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: JsonSchema; strict?: boolean };
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: JsonSchema; strict?: boolean; description?: string };
}

/** The body the adapter posts. Extra vLLM fields from `providerOptions.vllm` ride along. */
export interface ChatCompletionRequestBody {
  model: string;
  messages: ChatMessage[];
  stream: true;
  stream_options: { include_usage: true };
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ChatResponseFormat;
  temperature?: number;
  top_p?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  max_completion_tokens?: number;
  stop?: string[];
  seed?: number;
  chat_template_kwargs?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** `usage` of a chunk (the last one, with `choices: []`, when `include_usage` is set). */
export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface ChatToolCallFragment {
  index?: number;
  id?: string | null;
  type?: 'function';
  function?: { name?: string | null; arguments?: string | null } | null;
}

export interface ChatDelta {
  role?: string;
  content?: string | null;
  /** The current name of the reasoning field. */
  reasoning?: string | null;
  /** Its older name, still sent next to `reasoning` by some versions. */
  reasoning_content?: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallFragment[] | null;
}

export interface ChatChunkChoice {
  index?: number;
  delta?: ChatDelta | null;
  finish_reason?: string | null;
}

export interface ChatCompletionChunk {
  id?: string;
  object?: string;
  model?: string;
  choices: ChatChunkChoice[];
  usage?: ChatUsage | null;
}

/** vLLM's error body: `{"error":{…}}`, or `{"object":"error",…}` from older versions. */
export interface VllmErrorDetail {
  message?: string;
  type?: string;
  param?: string | null;
  code?: number | string | null;
}

/** An entry of `GET /v1/models`; `max_model_len` is vLLM's own addition. */
export interface VllmModelCard {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  root?: string | null;
  parent?: string | null;
  max_model_len?: number | null;
}
