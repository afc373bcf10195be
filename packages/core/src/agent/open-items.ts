import type { FunctionCallItem, MessageItem, ReasoningItem } from '../items/item.js';
import { newId } from '../items/ids.js';
import { copyJson } from '../schema/json-copy.js';
import type { AgentEvent } from './agent-event.js';

type StreamedItem = MessageItem | ReasoningItem | FunctionCallItem;

/**
 * The item a model step is streaming into, at most one at a time so that items never
 * interleave. Opening a new item closes the current one; `close` ends it as completed or,
 * on error and cancel, as incomplete with what it had.
 */
export class OpenItems {
  private current: StreamedItem | undefined;
  private text = '';
  /** Items this step finished, in order. */
  readonly done: StreamedItem[] = [];

  /*
   * Each method returns the events it makes as an array, not a generator: the model step
   * calls one per token inside an async generator, where delegating to a sync generator
   * costs a generator object and a promise per event.
   */

  /** Appends reasoning text, opening a reasoning item when needed. */
  reasoning(delta: string): AgentEvent[] {
    const opened = this.current?.type === 'reasoning'
      ? undefined
      : this.reopen({ type: 'reasoning', id: newId('reasoning'), summary: [], content: [] });
    this.text += delta;
    return withEvent(opened, { type: 'reasoning.delta', itemId: this.current!.id, contentIndex: 0, delta });
  }

  /** Appends answer text, opening an assistant message when needed. */
  message(delta: string): AgentEvent[] {
    const opened = this.current?.type === 'message'
      ? undefined
      : this.reopen({ type: 'message', id: newId('message'), role: 'assistant', status: 'in_progress', content: [] });
    this.text += delta;
    return withEvent(opened, { type: 'text.delta', itemId: this.current!.id, contentIndex: 0, delta });
  }

  /** The call item now streaming, if any. */
  get openCallId(): string | undefined {
    return this.current?.type === 'function_call' ? this.current.call_id : undefined;
  }

  /** Opens a function call item and streams argument text into it. */
  callArguments(callId: string, name: string, delta: string): AgentEvent[] {
    const opened = this.openCallId === callId
      ? undefined
      : this.reopen({ type: 'function_call', id: newId('function_call'), call_id: callId, name, arguments: '', status: 'in_progress' });
    this.text += delta;
    return withEvent(opened, { type: 'arguments.delta', itemId: this.current!.id, delta });
  }

  /** Completes a call with its final arguments (streamed first when no delta came). */
  completeCall(callId: string, name: string, args: string): AgentEvent[] {
    const events = this.openCallId === callId ? [] : this.callArguments(callId, name, args);
    this.text = args;
    events.push(...this.close('completed'));
    return events;
  }

  /** Ends the open item, if any. */
  close(status: 'completed' | 'incomplete'): AgentEvent[] {
    const item = this.current;
    if (!item) return [];
    this.current = undefined;
    const text = this.text;
    this.text = '';
    let finished: StreamedItem;
    switch (item.type) {
      case 'message':
        finished = { ...item, status, content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
        break;
      case 'reasoning':
        finished = { ...item, status, content: [{ type: 'reasoning_text', text }] };
        break;
      case 'function_call':
        finished = { ...item, status, arguments: text };
        break;
    }
    this.done.push(finished);
    return [{ type: 'item.done', item: finished }];
  }

  /** Closes the current item and opens `item`. */
  private reopen(item: StreamedItem): AgentEvent[] {
    const events = this.close('completed');
    this.current = item;
    this.text = '';
    events.push({ type: 'item.added', item: copyJson(item) });
    return events;
  }
}

/**
 * The opening events, if any, then `event`. Per token there are none, and the answer is a
 * one-element literal: an empty array's first push would allocate room for sixteen.
 */
function withEvent(opening: AgentEvent[] | undefined, event: AgentEvent): AgentEvent[] {
  if (!opening) return [event];
  opening.push(event);
  return opening;
}
