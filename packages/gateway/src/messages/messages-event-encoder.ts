import type { Item } from '@agentport/core';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import type { ResponseObject } from '../encoder/response-object.js';

/** One event of Anthropic's Messages stream. */
export interface MessagesStreamEvent {
  type: string;
  [field: string]: unknown;
}

type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' | 'model_context_window_exceeded';

/** `resp_…` → `msg_…`: the same response, under the prefix Anthropic's clients expect. */
export function messageId(responseId: string): string {
  return `msg_${responseId.replace(/^resp_/, '')}`;
}

/** The Messages API's `usage` of a response: input, output, and the prefix-cache reads. */
function usageOf(response: ResponseObject) {
  const usage = response.usage;
  return {
    input_tokens: usage?.input_tokens ?? 0,
    output_tokens: usage?.output_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage?.input_tokens_details?.cached_tokens ?? 0,
  };
}

/** Why the message stopped, as Anthropic says it; undefined for a failed response (an error, not a message). */
export function stopReasonOf(response: ResponseObject): StopReason | undefined {
  if (response.status === 'completed') return response.output.some((item) => item.type === 'function_call') ? 'tool_use' : 'end_turn';
  if (response.status === 'incomplete') {
    const reason = response.incomplete_details?.reason;
    return reason === 'content_filter' ? 'refusal' : 'max_tokens';
  }
  return undefined;
}

/** A finished response as a Messages API `message` (non-streamed answers). */
export function toMessage(response: ResponseObject, model: string, showThinking: boolean) {
  return {
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    model,
    content: response.output.flatMap((item) => contentBlocks(item, showThinking)),
    stop_reason: stopReasonOf(response) ?? null,
    stop_sequence: null,
    usage: usageOf(response),
  };
}

function contentBlocks(item: Item, showThinking: boolean): Array<Record<string, unknown>> {
  switch (item.type) {
    case 'message':
      return item.content.flatMap((part) => (part.type === 'output_text' ? [{ type: 'text', text: part.text, citations: null }] : []));
    case 'reasoning':
      return showThinking ? [{ type: 'thinking', thinking: reasoningText(item), signature: item.encrypted_content ?? '' }] : [];
    case 'function_call':
      return [{ type: 'tool_use', id: item.call_id, name: item.name, input: parseInput(item.arguments) }];
    default:
      // Server tools ran inside the response; their results reached the model, not the client.
      return [];
  }
}

function reasoningText(item: Extract<Item, { type: 'reasoning' }>): string {
  const content = (item.content ?? []).map((part) => part.text).join('');
  return content !== '' ? content : item.summary.map((part) => part.text).join('');
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/**
 * Turns a response's Responses events into Anthropic's stream: `message_start`, then per block
 * `content_block_start` / `content_block_delta` (`text_delta`, `thinking_delta`,
 * `signature_delta`, `input_json_delta`) / `content_block_stop`, then `message_delta` with the
 * stop reason and the usage, and `message_stop`; a failed response ends with an `error` event.
 * One Responses event gives at most a few Messages events: no buffering, no extra pass per token.
 */
export class MessagesEventEncoder {
  private nextIndex = 0;
  /** The open block: its index, and for a reasoning item whether it is shown. */
  private open: { index: number; itemId: string } | undefined;
  /** Whether the open tool_use block got its arguments as deltas already. */
  private argumentsSent = false;

  constructor(private readonly model: string, private readonly showThinking: boolean) {}

  encode(event: ResponseStreamEvent): MessagesStreamEvent[] {
    switch (event.type) {
      case 'response.created':
        return [this.messageStart(event.response as ResponseObject)];
      case 'response.output_item.added':
        return this.itemAdded(event.item as Item);
      case 'response.content_part.added':
        return (event.part as { type: string }).type === 'output_text' ? this.startBlock(event.item_id as string, { type: 'text', text: '', citations: null }) : [];
      case 'response.output_text.delta':
        return this.delta(event.item_id as string, { type: 'text_delta', text: event.delta });
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta':
        return this.delta(event.item_id as string, { type: 'thinking_delta', thinking: event.delta });
      case 'response.function_call_arguments.delta':
        return this.delta(event.item_id as string, { type: 'input_json_delta', partial_json: event.delta });
      case 'response.content_part.done':
        return (event.part as { type: string }).type === 'output_text' ? this.stopBlock(event.item_id as string) : [];
      case 'response.output_item.done':
        return this.itemDone(event.item as Item);
      case 'response.completed':
      case 'response.incomplete':
        return this.end(event.response as ResponseObject);
      case 'response.failed': {
        const error = (event.response as ResponseObject).error;
        return [{ type: 'error', error: { type: 'api_error', message: error ? `${error.code}: ${error.message}` : 'the response failed' } }];
      }
      default:
        return [];
    }
  }

  private messageStart(response: ResponseObject): MessagesStreamEvent {
    return {
      type: 'message_start',
      message: {
        id: messageId(response.id), type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    };
  }

  private itemAdded(item: Item): MessagesStreamEvent[] {
    if (item.type === 'reasoning' && this.showThinking) return this.startBlock(item.id, { type: 'thinking', thinking: '', signature: '' });
    if (item.type === 'function_call') return this.startBlock(item.id, { type: 'tool_use', id: item.call_id, name: item.name, input: {} });
    return [];
  }

  private itemDone(item: Item): MessagesStreamEvent[] {
    if (this.open?.itemId !== item.id) return [];
    const events: MessagesStreamEvent[] = [];
    if (item.type === 'reasoning') events.push(this.delta(item.id, { type: 'signature_delta', signature: item.encrypted_content ?? '' })[0]!);
    // The gateway shows a call once validated, its arguments whole at the end.
    if (item.type === 'function_call' && !this.argumentsSent) events.push(this.delta(item.id, { type: 'input_json_delta', partial_json: item.arguments })[0]!);
    events.push(...this.stopBlock(item.id));
    return events;
  }

  private startBlock(itemId: string, block: Record<string, unknown>): MessagesStreamEvent[] {
    const index = this.nextIndex;
    this.nextIndex += 1;
    this.open = { index, itemId };
    this.argumentsSent = false;
    return [{ type: 'content_block_start', index, content_block: block }];
  }

  private delta(itemId: string, delta: Record<string, unknown>): MessagesStreamEvent[] {
    if (this.open?.itemId !== itemId) return [];
    if (delta.type === 'input_json_delta') this.argumentsSent = true;
    return [{ type: 'content_block_delta', index: this.open.index, delta }];
  }

  private stopBlock(itemId: string): MessagesStreamEvent[] {
    if (this.open?.itemId !== itemId) return [];
    const { index } = this.open;
    this.open = undefined;
    return [{ type: 'content_block_stop', index }];
  }

  private end(response: ResponseObject): MessagesStreamEvent[] {
    return [
      { type: 'message_delta', delta: { stop_reason: stopReasonOf(response) ?? null, stop_sequence: null }, usage: usageOf(response) },
      { type: 'message_stop' },
    ];
  }
}
