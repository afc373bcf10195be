import { ModelError, type ModelMessage, type ModelRequest, type ModelToolChoice, type ModelWarning } from '@agentport/core';
import type { ChatCompletionRequestBody, ChatMessage, ChatTool, ChatToolChoice } from './chat-completion-wire.js';
import type { StrictAutoToolChoice } from './vllm-config.js';

/** Where `providerOptions` keeps the adapter's own extras: `{ vllm: { chat_template_kwargs, top_k, … } }`. */
export const PROVIDER_OPTIONS_KEY = 'vllm';

/** vLLM removed these in v0.12 and now ignores them silently, leaving the output unconstrained. */
const REMOVED_GUIDED_FIELD = /^guided_/;

export interface RequestMappingOptions {
  model: string;
  /** The config's `chat_template_kwargs`; the request's own (`providerOptions.vllm`) win key by key. */
  chatTemplateKwargs: Record<string, unknown>;
}

/** What a request needs before anything is sent: a refusal, or the warnings its stream starts with. */
export type RequestPreflight =
  | { ok: true; warnings: ModelWarning[] }
  | { ok: false; error: ModelError };

export const UNCONSTRAINED_AUTO_TOOL_CHOICE = 'unconstrained_auto_tool_choice';

/** Whether the request uses `auto` tool choice (stated, or implied by tools) with a strict tool. */
export function usesStrictAutoToolChoice(request: ModelRequest): boolean {
  const tools = request.tools ?? [];
  if (tools.length === 0) return false;
  const choice = request.toolChoice ?? 'auto';
  return choice === 'auto' && tools.some((tool) => tool.strict === true);
}

/** Checks what the server cannot honour as asked, per the `strictAutoToolChoice` setting. */
export function preflightRequest(request: ModelRequest, strictAutoToolChoice: StrictAutoToolChoice): RequestPreflight {
  const named = request.toolChoice;
  if (typeof named === 'object' && !(request.tools ?? []).some((tool) => tool.name === named.name)) {
    return { ok: false, error: new ModelError('bad_request', `tool_choice names tool "${named.name}", which the request does not offer`) };
  }
  if (request.toolChoice === 'required' && (request.tools ?? []).length === 0) {
    return { ok: false, error: new ModelError('bad_request', 'tool_choice "required" needs at least one tool') };
  }
  const guided = Object.keys(request.providerOptions?.[PROVIDER_OPTIONS_KEY] ?? {}).filter((key) => REMOVED_GUIDED_FIELD.test(key));
  if (guided.length > 0) {
    return {
      ok: false,
      error: new ModelError(
        'bad_request',
        `vLLM removed ${guided.join(', ')} and ignores them silently; use the request's output (response_format) or a tool choice instead`,
      ),
    };
  }
  if (!usesStrictAutoToolChoice(request)) return { ok: true, warnings: [] };
  switch (strictAutoToolChoice) {
    case 'enforced':
      return { ok: true, warnings: [] };
    case 'reject':
      return {
        ok: false,
        error: new ModelError(
          'unsupported_capability',
          'tool_choice "auto" with strict tools is not constrained by this vLLM server (strictAutoToolChoice: reject); use "required" or a named tool',
        ),
      };
    case 'validate':
      return {
        ok: true,
        warnings: [
          {
            code: UNCONSTRAINED_AUTO_TOOL_CHOICE,
            message: 'tool_choice "auto" is not constrained by this vLLM server: strict tool arguments are validated after decoding instead',
          },
        ],
      };
  }
}

/** The chat-completions body for a request (PROTOCOL.md section 4). */
export function mapChatCompletionRequest(request: ModelRequest, options: RequestMappingOptions): ChatCompletionRequestBody {
  const { chat_template_kwargs: requestKwargs, ...extras } = request.providerOptions?.[PROVIDER_OPTIONS_KEY] ?? {};
  const body: ChatCompletionRequestBody = {
    // Extras go first so the mapped fields below always win.
    ...withoutRemovedFields(extras),
    model: options.model,
    messages: request.messages.map(mapMessage),
    stream: true,
    stream_options: { include_usage: true },
  };
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool): ChatTool => {
      const fn: ChatTool['function'] = { name: tool.name, parameters: tool.parameters };
      if (tool.description !== undefined) fn.description = tool.description;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: 'function', function: fn };
    });
    // Only next to tools: vLLM answers 400 to `tool_choice` without `tools` ("auto" and "none"
    // mean nothing then; "required" and a named tool are refused by the preflight).
    if (request.toolChoice !== undefined) body.tool_choice = mapToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.output) {
    const schema: NonNullable<ChatCompletionRequestBody['response_format']>['json_schema'] = {
      name: request.output.name,
      schema: request.output.schema,
    };
    if (request.output.strict !== undefined) schema.strict = request.output.strict;
    if (request.output.description !== undefined) schema.description = request.output.description;
    body.response_format = { type: 'json_schema', json_schema: schema };
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  const kwargs = { ...options.chatTemplateKwargs, ...(isRecord(requestKwargs) ? requestKwargs : {}) };
  if (Object.keys(kwargs).length > 0) body.chat_template_kwargs = kwargs;
  return body;
}

function mapMessage(message: ModelMessage): ChatMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string'
          ? message.content
          : message.content.map((part) => (part.type === 'text' ? part : { type: 'image_url', image_url: { url: part.url } })),
      };
    case 'assistant': {
      const toolCalls = message.toolCalls ?? [];
      // An empty string (not null) for a turn that only called tools: every chat template takes it.
      const mapped: ChatMessage = { role: 'assistant', content: message.content };
      if (message.reasoning) mapped.reasoning = message.reasoning;
      if (toolCalls.length > 0) {
        mapped.tool_calls = toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      return mapped;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function mapToolChoice(choice: ModelToolChoice): ChatToolChoice {
  return typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice;
}

function withoutRemovedFields(extras: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extras).filter(([key]) => !REMOVED_GUIDED_FIELD.test(key)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
