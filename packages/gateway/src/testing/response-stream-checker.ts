import { isDeepStrictEqual } from 'node:util';
import { streamEventProblems } from './stream-event-schema.js';

/** A Responses stream event as it arrived: its type, sequence number and fields. */
export interface StreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** A stream's snapshot of the response, as far as the checker reads it. */
export interface SnapshotResponse {
  id: string;
  status: string;
  output: Array<Record<string, unknown> & { id: string; type: string }>;
  [field: string]: unknown;
}

export interface CheckedStream {
  /** The one terminal event: `response.completed`, `.failed` or `.incomplete`. */
  terminal: StreamEvent & { response: SnapshotResponse };
  /** The items of `output_item.done`, by output index. */
  items: Array<Record<string, unknown> & { id: string; type: string }>;
}

const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete']);
const LIFECYCLE_TYPES = new Set(['response.created', 'response.queued', 'response.in_progress', ...TERMINAL_TYPES]);

/** Which item type an item-scoped event may refer to (content parts are checked by their part type). */
const ITEM_TYPE_OF_EVENT: Record<string, string> = {
  'response.output_text.delta': 'message',
  'response.output_text.done': 'message',
  'response.output_text.annotation.added': 'message',
  'response.refusal.delta': 'message',
  'response.refusal.done': 'message',
  'response.reasoning_text.delta': 'reasoning',
  'response.reasoning_text.done': 'reasoning',
  'response.reasoning_summary_part.added': 'reasoning',
  'response.reasoning_summary_part.done': 'reasoning',
  'response.reasoning_summary_text.delta': 'reasoning',
  'response.reasoning_summary_text.done': 'reasoning',
  'response.function_call_arguments.delta': 'function_call',
  'response.function_call_arguments.done': 'function_call',
  'response.mcp_call_arguments.delta': 'mcp_call',
  'response.mcp_call_arguments.done': 'mcp_call',
  'response.mcp_call.in_progress': 'mcp_call',
  'response.mcp_call.completed': 'mcp_call',
  'response.mcp_call.failed': 'mcp_call',
  'response.mcp_list_tools.in_progress': 'mcp_list_tools',
  'response.mcp_list_tools.completed': 'mcp_list_tools',
  'response.mcp_list_tools.failed': 'mcp_list_tools',
  'response.code_interpreter_call.in_progress': 'code_interpreter_call',
  'response.code_interpreter_call.interpreting': 'code_interpreter_call',
  'response.code_interpreter_call.completed': 'code_interpreter_call',
  'response.code_interpreter_call_code.delta': 'code_interpreter_call',
  'response.code_interpreter_call_code.done': 'code_interpreter_call',
};

/** Where an item stands in the stream. */
interface ItemState {
  id: string;
  type: string;
  done: boolean;
  /** Content parts by content index: their kind, text so far, and whether they are done. */
  parts: Array<{ kind: string; text: string; textDone: boolean; done: boolean }>;
  /** Reasoning summary parts by summary index, the same way. */
  summaries: Array<{ kind: string; text: string; textDone: boolean; done: boolean }>;
  arguments: string;
}

/**
 * Checks a Responses event stream against PROTOCOL.md section 1 and throws a message naming
 * the first event that breaks a rule: sequence numbers 0..n without gaps, `response.created`
 * first, exactly one terminal event and nothing after it, output indexes appended in order,
 * items that never interleave, every `item_id` and `output_index` naming the item added at
 * that index with a type the event fits, content parts opened before their deltas and
 * closed before their item, deltas that add up to the `.done` text, every item done before
 * the terminal event, and a terminal snapshot that holds exactly the items streamed. Every
 * event must also fit the spec's schema of its type (the response objects of lifecycle events
 * the spec's ResponseResource).
 */
export function checkResponseStream(events: readonly StreamEvent[]): CheckedStream {
  const fail = (index: number, message: string): never => {
    const event = events[index];
    throw new Error(`stream event #${index} (${event?.type ?? 'none'}, seq ${String(event?.sequence_number)}): ${message}`);
  };
  if (events.length === 0) throw new Error('the stream has no events');

  const items: ItemState[] = [];
  let open: ItemState | undefined;
  let responseId: string | undefined;
  let terminalIndex = -1;

  events.forEach((event, index) => {
    const problems = streamEventProblems(event);
    if (problems.length > 0) fail(index, `does not fit the spec: ${problems.join('; ')}`);
    if (event.sequence_number !== index) fail(index, `sequence_number should be ${index}`);
    if (terminalIndex >= 0) fail(index, 'an event after the terminal event');
    if (index === 0 && event.type !== 'response.created') fail(index, 'the first event must be response.created');

    if (LIFECYCLE_TYPES.has(event.type)) {
      const response = event.response as SnapshotResponse | undefined;
      if (!response || typeof response !== 'object') return fail(index, 'a lifecycle event without its response');
      if (responseId !== undefined && response.id !== responseId) fail(index, `response id changed from ${responseId} to ${response.id}`);
      responseId = response.id;
      if (TERMINAL_TYPES.has(event.type)) terminalIndex = index;
      return;
    }
    if (event.type === 'error') return fail(index, `an error event: ${JSON.stringify(event)}`);

    if (event.type === 'response.output_item.added') {
      const item = event.item as { id?: unknown; type?: unknown } | undefined;
      const outputIndex = event.output_index;
      if (!item || typeof item.id !== 'string' || item.id === '' || typeof item.type !== 'string') {
        return fail(index, 'output_item.added needs an item with a non-empty id and a type');
      }
      if (open && !open.done) fail(index, `item ${item.id} added while ${open.id} is still open (items must not interleave)`);
      if (items.some((known) => known.id === item.id)) fail(index, `item id ${item.id} added twice`);
      if (outputIndex !== items.length) fail(index, `output_index should be ${items.length} (output is appended in order)`);
      open = { id: item.id, type: item.type, done: false, parts: [], summaries: [], arguments: '' };
      items.push(open);
      return;
    }

    const outputIndex = event.output_index;
    if (typeof outputIndex !== 'number') return fail(index, 'an item event without output_index');
    const state = items[outputIndex];
    if (!state) return fail(index, `output_index ${outputIndex} names no item`);
    if (state.done) fail(index, `item ${state.id} is already done`);
    if (event.type !== 'response.output_item.done' && event.item_id !== state.id) {
      fail(index, `item_id ${String(event.item_id)} is not ${state.id}, the item at output_index ${outputIndex}`);
    }
    const expectedType = ITEM_TYPE_OF_EVENT[event.type];
    if (expectedType && state.type !== expectedType) {
      fail(index, `a ${event.type} event for a ${state.type} item`);
    }
    checkItemEvent(event, state, (message) => fail(index, message));
  });

  if (terminalIndex < 0) throw new Error('the stream has no terminal event (response.completed, .failed or .incomplete)');
  const terminal = events[terminalIndex] as StreamEvent & { response: SnapshotResponse };
  const notDone = items.filter((item) => !item.done);
  if (notDone.length > 0) fail(terminalIndex, `items still open at the end: ${notDone.map((item) => item.id).join(', ')}`);
  const expectedStatus: Record<string, string[]> = {
    'response.completed': ['completed'],
    'response.failed': ['failed'],
    'response.incomplete': ['incomplete', 'cancelled'],
  };
  if (!expectedStatus[terminal.type]!.includes(terminal.response.status)) {
    fail(terminalIndex, `a ${terminal.type} event whose response has status ${terminal.response.status}`);
  }
  const doneItems = events
    .filter((event) => event.type === 'response.output_item.done')
    .map((event) => event.item as Record<string, unknown> & { id: string; type: string });
  const snapshotIds = terminal.response.output.map((item) => item.id);
  if (!isDeepStrictEqual(snapshotIds, doneItems.map((item) => item.id))) {
    fail(terminalIndex, `the terminal snapshot holds ${JSON.stringify(snapshotIds)}, the stream ${JSON.stringify(doneItems.map((item) => item.id))}`);
  }
  terminal.response.output.forEach((item, outputIndex) => {
    if (!isDeepStrictEqual(item, doneItems[outputIndex])) {
      fail(terminalIndex, `snapshot item ${outputIndex} differs from its output_item.done: ${JSON.stringify(item)} vs ${JSON.stringify(doneItems[outputIndex])}`);
    }
  });
  return { terminal, items: doneItems };
}

function checkItemEvent(event: StreamEvent, state: ItemState, fail: (message: string) => never): void {
  const contentIndex = event.content_index;
  const partAt = (kind: string) => {
    if (typeof contentIndex !== 'number') return fail('a content event without content_index');
    const part = state.parts[contentIndex];
    if (!part) return fail(`content_index ${contentIndex} was never added`);
    if (part.done) fail(`content part ${contentIndex} is already done`);
    if (part.kind !== kind) fail(`a ${kind} event for a ${part.kind} part`);
    return part;
  };

  switch (event.type) {
    case 'response.content_part.added': {
      const part = event.part as { type?: unknown; text?: unknown } | undefined;
      if (contentIndex !== state.parts.length) fail(`content_index should be ${state.parts.length}`);
      if (!part || typeof part.type !== 'string') return fail('content_part.added without a part type');
      const wanted = part.type === 'reasoning_text' ? 'reasoning' : 'message';
      if (state.type !== wanted) fail(`a ${part.type} part in a ${state.type} item`);
      if (part.text !== '') fail('a content part must start empty');
      state.parts.push({ kind: part.type, text: '', textDone: false, done: false });
      return;
    }
    case 'response.output_text.delta':
    case 'response.reasoning_text.delta': {
      const part = partAt(event.type === 'response.output_text.delta' ? 'output_text' : 'reasoning_text');
      if (part.textDone) fail('a delta after the text was done');
      if (typeof event.delta !== 'string') fail('a delta that is not a string');
      part.text += event.delta as string;
      return;
    }
    case 'response.output_text.done':
    case 'response.reasoning_text.done': {
      const part = partAt(event.type === 'response.output_text.done' ? 'output_text' : 'reasoning_text');
      if (part.textDone) fail('the text is done twice');
      if (event.text !== part.text) fail(`done text ${JSON.stringify(event.text)} is not the deltas' ${JSON.stringify(part.text)}`);
      part.text = event.text as string;
      part.textDone = true;
      return;
    }
    case 'response.content_part.done': {
      const donePart = event.part as { type?: unknown; text?: unknown } | undefined;
      if (!donePart || typeof donePart.type !== 'string') return fail('content_part.done without a part');
      const part = partAt(donePart.type);
      if (!part.textDone) fail('content_part.done before the text was done');
      if (donePart.text !== part.text) fail(`the done part's text ${JSON.stringify(donePart.text)} is not ${JSON.stringify(part.text)}`);
      part.done = true;
      return;
    }
    case 'response.reasoning_summary_part.added': {
      const part = event.part as { type?: unknown; text?: unknown } | undefined;
      if (state.type !== 'reasoning') fail('a summary part in a non-reasoning item');
      if (event.summary_index !== state.summaries.length) fail(`summary_index should be ${state.summaries.length}`);
      if (part?.type !== 'summary_text' || part.text !== '') fail('a summary part must be an empty summary_text');
      state.summaries.push({ kind: 'summary_text', text: '', textDone: false, done: false });
      return;
    }
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_summary_text.done':
    case 'response.reasoning_summary_part.done': {
      const summary = typeof event.summary_index === 'number' ? state.summaries[event.summary_index] : undefined;
      if (!summary) return fail(`summary_index ${String(event.summary_index)} was never added`);
      if (summary.done) fail(`summary part ${String(event.summary_index)} is already done`);
      if (event.type === 'response.reasoning_summary_text.delta') {
        if (summary.textDone || typeof event.delta !== 'string') fail('a summary delta after its text was done, or not a string');
        summary.text += event.delta as string;
      } else if (event.type === 'response.reasoning_summary_text.done') {
        if (summary.textDone || event.text !== summary.text) fail(`summary done text ${JSON.stringify(event.text)} is not the deltas' ${JSON.stringify(summary.text)}`);
        summary.textDone = true;
      } else {
        const done = event.part as { text?: unknown } | undefined;
        if (!summary.textDone || done?.text !== summary.text) fail('summary_part.done before its text was done, or with other text');
        summary.done = true;
      }
      return;
    }
    case 'response.function_call_arguments.delta':
    case 'response.mcp_call_arguments.delta':
    case 'response.code_interpreter_call_code.delta':
      if (typeof event.delta !== 'string') fail('a delta that is not a string');
      state.arguments += event.delta as string;
      return;
    case 'response.function_call_arguments.done':
      if (state.arguments !== '' && event.arguments !== state.arguments) {
        fail(`done arguments ${JSON.stringify(event.arguments)} are not the deltas' ${JSON.stringify(state.arguments)}`);
      }
      return;
    case 'response.output_item.done': {
      const item = event.item as { id?: unknown; type?: unknown; status?: unknown } | undefined;
      if (!item || item.id !== state.id) fail(`output_item.done for ${String(item?.id)} at the index of ${state.id}`);
      if (item!.type !== state.type) fail(`output_item.done of a ${String(item!.type)} for a ${state.type} item`);
      if (item!.status === 'in_progress') fail('an item done with status in_progress');
      const openParts = [...state.parts, ...state.summaries].filter((part) => !part.done);
      if (openParts.length > 0) fail('the item is done while content or summary parts are open');
      const summary = (item as { summary?: Array<{ text?: unknown }> }).summary ?? [];
      if (state.summaries.length > 0 && !isDeepStrictEqual(summary.map((part) => part.text), state.summaries.map((part) => part.text))) {
        fail(`the done item's summary ${JSON.stringify(summary)} is not what was streamed`);
      }
      state.done = true;
      return;
    }
    default:
      return;
  }
}
