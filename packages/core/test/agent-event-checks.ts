import { expect } from 'vitest';
import type { AgentEvent, Item } from '../src/index.js';

/** Runs to the end and returns every event. */
export async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** The output items as a client would assemble them: each `item.done`, in order. */
export function outputItems(events: readonly AgentEvent[]): Item[] {
  return events.flatMap((event) => (event.type === 'item.done' ? [event.item] : []));
}

/**
 * Checks the stream rules every consumer relies on: items never interleave, deltas belong
 * to the open item, every opened item is done, and exactly one terminal event comes last.
 */
export function expectWellFormed(events: readonly AgentEvent[]): void {
  let open: string | undefined;
  const terminal = events.filter((e) => ['completed', 'incomplete', 'failed', 'cancelled'].includes(e.type));
  expect(terminal).toHaveLength(1);
  expect(events.at(-1)).toBe(terminal[0]);
  for (const event of events) {
    switch (event.type) {
      case 'item.added':
        expect(open, `item ${event.item.id} added while ${open} is open`).toBeUndefined();
        open = event.item.id;
        break;
      case 'text.delta':
      case 'reasoning.delta':
      case 'arguments.delta':
      case 'tool.progress':
        expect(event.itemId).toBe(open);
        break;
      case 'item.done':
        expect(event.item.id).toBe(open);
        open = undefined;
        break;
      default:
        break;
    }
  }
  expect(open, 'an item was left open').toBeUndefined();
}
