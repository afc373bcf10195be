import type { FunctionCallItem, MessageItem, ReasoningItem } from '../items/item.js';
import { newId } from '../items/ids.js';
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

  /** Appends reasoning text, opening a reasoning item when needed. */
  *reasoning(delta: string): Generator<AgentEvent> {
    if (this.current?.type !== 'reasoning') {
      yield* this.close('completed');
      yield* this.open({ type: 'reasoning', id: newId('reasoning'), summary: [], content: [] });
    }
    this.text += delta;
    yield { type: 'reasoning.delta', itemId: this.current!.id, contentIndex: 0, delta };
  }

  /** Appends answer text, opening an assistant message when needed. */
  *message(delta: string): Generator<AgentEvent> {
    if (this.current?.type !== 'message') {
      yield* this.close('completed');
      yield* this.open({ type: 'message', id: newId('message'), role: 'assistant', status: 'in_progress', content: [] });
    }
    this.text += delta;
    yield { type: 'text.delta', itemId: this.current!.id, contentIndex: 0, delta };
  }

  /** The call item now streaming, if any. */
  get openCallId(): string | undefined {
    return this.current?.type === 'function_call' ? this.current.call_id : undefined;
  }

  /** Opens a function call item and streams argument text into it. */
  *callArguments(callId: string, name: string, delta: string): Generator<AgentEvent> {
    if (this.openCallId !== callId) {
      yield* this.close('completed');
      yield* this.open({
        type: 'function_call', id: newId('function_call'), call_id: callId, name, arguments: '', status: 'in_progress',
      });
    }
    this.text += delta;
    yield { type: 'arguments.delta', itemId: this.current!.id, delta };
  }

  /** Completes a call with its final arguments (streamed first when no delta came). */
  *completeCall(callId: string, name: string, args: string): Generator<AgentEvent> {
    if (this.openCallId !== callId) yield* this.callArguments(callId, name, args);
    this.text = args;
    yield* this.close('completed');
  }

  /** Ends the open item, if any. */
  *close(status: 'completed' | 'incomplete'): Generator<AgentEvent> {
    const item = this.current;
    if (!item) return;
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
    yield { type: 'item.done', item: finished };
  }

  private *open(item: StreamedItem): Generator<AgentEvent> {
    this.current = item;
    this.text = '';
    yield { type: 'item.added', item: structuredClone(item) };
  }
}
