import type { JsonObject, JsonValue } from '@agentport/core';
import { invalidRequest } from '../errors.js';

/**
 * Anthropic's Messages request (`POST /v1/messages`), read into the Responses create body the
 * gateway already runs: the same agents, tools, limits and constrained decoding, nothing stored
 * (the Messages API is stateless). The conversation comes whole in `messages` (a `system`
 * message among them applies from its place on, as Claude Code sends them): text, images,
 * documents, `tool_use` / `tool_result` pairs and `thinking` blocks become the Responses items
 * they are. Fields with no meaning here (`metadata`, `top_k`, `service_tier`, `cache_control`)
 * are ignored; `stop_sequences` is refused, vLLM's stop strings are not exposed yet.
 */
export interface MessagesRequest {
  /** The Responses create body. */
  body: JsonObject;
  stream: boolean;
  model: string;
  /** `thinking: { type: 'disabled' }`: the model's reasoning is not shown as `thinking` blocks. */
  showThinking: boolean;
}

type Block = Record<string, unknown>;

export interface MessagesParseOptions {
  /** A `count_tokens` body, which has no `max_tokens`. */
  counting?: boolean;
  /** Whether a thinking block's signature is the gateway's own seal (a forged or changed one is a 400, as Anthropic answers it). */
  signatureOpens: (signature: string) => boolean;
}

export function parseMessagesRequest(raw: unknown, options: MessagesParseOptions): MessagesRequest {
  const counting = options.counting ?? false;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidRequest(null, 'The request body must be a JSON object.');
  const request = raw as Record<string, unknown>;
  const model = request.model;
  if (typeof model !== 'string' || model === '') throw invalidRequest('model', 'model: a model name is required.');
  const maxTokens = request.max_tokens;
  if (!counting && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) throw invalidRequest('max_tokens', 'max_tokens: an integer of at least 1 is required.');
  if (!Array.isArray(request.messages) || request.messages.length === 0) throw invalidRequest('messages', 'messages: at least one message is required.');
  if (request.stop_sequences !== undefined && !(Array.isArray(request.stop_sequences) && request.stop_sequences.length === 0)) {
    throw invalidRequest('stop_sequences', 'stop_sequences is not supported by this server.');
  }
  const thinking = request.thinking as { type?: unknown } | undefined;
  const body: JsonObject = {
    model,
    input: request.messages.flatMap((message, index) => messageItems(message, index, options)),
    ...(counting ? {} : { max_output_tokens: maxTokens as number }),
    store: false,
    include: ['reasoning.encrypted_content'],
  };
  const system = systemText(request.system);
  if (system !== undefined) body.instructions = system;
  for (const [from, to] of [['temperature', 'temperature'], ['top_p', 'top_p']] as const) {
    if (request[from] !== undefined) body[to] = request[from] as JsonValue;
  }
  if (request.tools !== undefined) body.tools = tools(request.tools);
  const choice = toolChoice(request.tool_choice);
  if (choice) {
    body.tool_choice = choice.choice;
    if (choice.parallel !== undefined) body.parallel_tool_calls = choice.parallel;
  }
  return { body, stream: request.stream === true, model, showThinking: thinking?.type !== 'disabled' };
}

function systemText(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) {
    return system.map((block, index) => {
      if ((block as Block)?.type !== 'text' || typeof (block as Block).text !== 'string') throw invalidRequest(`system.${index}`, `system.${index}: only text blocks are accepted.`);
      return (block as Block).text as string;
    }).join('\n\n');
  }
  throw invalidRequest('system', 'system: a string or an array of text blocks.');
}

function messageItems(message: unknown, index: number, options: MessagesParseOptions): JsonObject[] {
  const at = `messages.${index}`;
  const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
  if (role !== 'user' && role !== 'assistant' && role !== 'system') throw invalidRequest(`${at}.role`, `${at}.role: "user", "assistant" or "system".`);
  const blocks: Block[] = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content as Block[] : [];
  if (typeof content !== 'string' && !Array.isArray(content)) throw invalidRequest(`${at}.content`, `${at}.content: a string or an array of content blocks.`);
  const items: JsonObject[] = [];
  let parts: JsonObject[] = [];
  const flush = () => {
    if (parts.length > 0) items.push({ type: 'message', role, content: parts });
    parts = [];
  };
  blocks.forEach((block, blockIndex) => {
    const where = `${at}.content.${blockIndex}`;
    if (role === 'system' && block?.type !== 'text') throw invalidRequest(`${where}.type`, `${where}.type: a system message takes text blocks only.`);
    switch (block?.type) {
      case 'text':
        if (typeof block.text !== 'string') throw invalidRequest(`${where}.text`, `${where}.text: a string.`);
        parts.push(role === 'assistant' ? { type: 'output_text', text: block.text, annotations: [] } : { type: 'input_text', text: block.text });
        return;
      case 'image':
        if (role !== 'user') throw invalidRequest(where, `${where}: images come in user messages.`);
        parts.push({ type: 'input_image', image_url: imageUrl(block.source, where), detail: 'auto' });
        return;
      case 'document':
        if (role !== 'user') throw invalidRequest(where, `${where}: documents come in user messages.`);
        parts.push(documentPart(block, where));
        return;
      case 'tool_use':
        if (role !== 'assistant') throw invalidRequest(where, `${where}: tool_use blocks come in assistant messages.`);
        if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalidRequest(where, `${where}: a tool_use block needs an id and a name.`);
        flush();
        items.push({ type: 'function_call', call_id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
        return;
      case 'tool_result':
        if (role !== 'user') throw invalidRequest(where, `${where}: tool_result blocks come in user messages.`);
        if (typeof block.tool_use_id !== 'string') throw invalidRequest(`${where}.tool_use_id`, `${where}.tool_use_id: a string.`);
        flush();
        items.push({ type: 'function_call_output', call_id: block.tool_use_id, output: toolResultText(block, where) });
        return;
      case 'thinking':
      case 'redacted_thinking': {
        if (role !== 'assistant') throw invalidRequest(where, `${where}: thinking blocks come in assistant messages.`);
        const field = block.type === 'thinking' ? 'signature' : 'data';
        const sealed = block[field];
        // The signature is the gateway's own seal of the reasoning: checked as it comes back, then opened.
        if (typeof sealed !== 'string' || !options.signatureOpens(sealed)) {
          throw invalidRequest(`${where}.${field}`, `${where}.${field}: invalid signature in thinking block (not made by this server, changed, or sealed with another reasoningEncryptionKey).`);
        }
        flush();
        items.push({ type: 'reasoning', summary: [], encrypted_content: sealed });
        return;
      }
      default:
        throw invalidRequest(`${where}.type`, `${where}.type: ${JSON.stringify(block?.type)} is not a content block this server takes (text, image, document, tool_use, tool_result, thinking).`);
    }
  });
  flush();
  return items;
}

function imageUrl(source: unknown, where: string): string {
  const { type, media_type: mediaType, data, url } = (source ?? {}) as Record<string, unknown>;
  if (type === 'base64' && typeof mediaType === 'string' && typeof data === 'string') return `data:${mediaType};base64,${data}`;
  if (type === 'url' && typeof url === 'string') return url;
  throw invalidRequest(`${where}.source`, `${where}.source: a base64 source (media_type, data) or a url source.`);
}

function documentPart(block: Block, where: string): JsonObject {
  const { type, media_type: mediaType, data } = (block.source ?? {}) as Record<string, unknown>;
  const filename = typeof block.title === 'string' && block.title !== '' ? block.title : 'document';
  if (type === 'base64' && typeof mediaType === 'string' && typeof data === 'string') return { type: 'input_file', filename, file_data: `data:${mediaType};base64,${data}` };
  if (type === 'text' && typeof data === 'string') return { type: 'input_text', text: `${filename}:\n${data}` };
  throw invalidRequest(`${where}.source`, `${where}.source: a base64 or text document source.`);
}

function toolResultText(block: Block, where: string): string {
  const { content } = block;
  let text: string;
  if (content === undefined) text = '';
  else if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    text = content.map((part, index) => {
      if ((part as Block)?.type !== 'text') throw invalidRequest(`${where}.content.${index}`, `${where}.content.${index}: tool results take text blocks.`);
      return (part as Block).text as string;
    }).join('\n');
  } else throw invalidRequest(`${where}.content`, `${where}.content: a string or text blocks.`);
  return block.is_error === true ? `Error: ${text}` : text;
}

function tools(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) throw invalidRequest('tools', 'tools: an array.');
  return value.map((tool, index) => {
    const { name, description, input_schema: schema, type } = (tool ?? {}) as Record<string, unknown>;
    if (type !== undefined && type !== 'custom') throw invalidRequest(`tools.${index}.type`, `tools.${index}.type: ${JSON.stringify(type)}: only client tools (name, input_schema) are served.`);
    if (typeof name !== 'string') throw invalidRequest(`tools.${index}.name`, `tools.${index}.name: a string.`);
    if (typeof schema !== 'object' || schema === null) throw invalidRequest(`tools.${index}.input_schema`, `tools.${index}.input_schema: a JSON Schema object.`);
    return { type: 'function', name, ...(typeof description === 'string' ? { description } : {}), parameters: schema as JsonObject, strict: false };
  });
}

function toolChoice(value: unknown): { choice: JsonValue; parallel?: boolean } | undefined {
  if (value === undefined) return undefined;
  const { type, name, disable_parallel_tool_use: serial } = (value ?? {}) as Record<string, unknown>;
  const parallel = typeof serial === 'boolean' ? !serial : undefined;
  const withParallel = (choice: JsonValue) => (parallel === undefined ? { choice } : { choice, parallel });
  switch (type) {
    case 'auto': return withParallel('auto');
    case 'any': return withParallel('required');
    case 'none': return { choice: 'none' };
    case 'tool':
      if (typeof name !== 'string') throw invalidRequest('tool_choice.name', 'tool_choice.name: the tool to call.');
      return withParallel({ type: 'function', name });
    default:
      throw invalidRequest('tool_choice.type', 'tool_choice.type: auto, any, tool or none.');
  }
}
