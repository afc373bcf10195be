import { type AgentEvent, copyJson, type Item } from '@agentport/core';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import { ToolNameMap } from '../codex/tool-name-map.js';
import { CustomToolInputStream } from './custom-tool-input-stream.js';
import { OutputItemPresenter } from './output-item-presenter.js';
import { type ResponseObject, toResponseUsage } from './response-object.js';

/** One Responses stream event: `type`, `sequence_number`, and the fields of that type. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

export interface ResponseEventEncoderOptions {
  /** Also emit agentport's own events (`response.step.created` / `.completed`); strict clients never ask. */
  extensions?: boolean;
  /** Seals each reasoning item's text into its `encrypted_content` (the request's `include` asked for it). */
  reasoningSeal?: ReasoningSeal | undefined;
  /** Seals each compaction item's summary into its `encrypted_content`. */
  compactionSeal?: ReasoningSeal | undefined;
  /**
   * `reasoning.summary` was asked for (`auto`, `concise`, `detailed`): reasoning streams as
   * `response.reasoning_summary_*` events (what the AI SDK, LangChain and the Agents SDK show) and
   * its item carries the text as a `summary_text` part beside its `reasoning_text` content.
   */
  reasoningSummary?: boolean;
}

/** Item types whose argument text streams under their own event names. */
const ARGUMENT_EVENTS: Partial<Record<Item['type'], string>> = {
  function_call: 'response.function_call_arguments',
  mcp_call: 'response.mcp_call_arguments',
  code_interpreter_call: 'response.code_interpreter_call_code',
};

/**
 * Turns a run's `AgentEvent`s into Responses stream events: sequence numbers, output and
 * content indexes, content parts opened and closed around deltas, full snapshots in the
 * first and terminal events. The same events feed SSE, WebSocket and the stored event log.
 * Items are shown in the shapes of the tools the response declares (its echoed `tools`):
 * calls of `custom` tools as `custom_tool_call` with `response.custom_tool_call_input.*`
 * events, calls of namespace members under their own name and `namespace`.
 */
export class ResponseEventEncoder {
  private sequence = 0;
  private snapshot: ResponseObject;
  private readonly outputIndexOf = new Map<string, number>();
  /** Content parts opened by a delta and not yet done, keyed by `itemId:contentIndex`. */
  private readonly openParts = new Map<string, { kind: PartKind; text: string }>();
  /** The content part the last text or reasoning delta went to, while it is open. */
  private lastPart: { itemId: string; contentIndex: number; outputIndex: number; part: { kind: PartKind; text: string } } | undefined;
  /** Argument text streamed so far per item. */
  private readonly argumentText = new Map<string, string>();
  /** Items added and not yet done, in output order: the ones an early end must close. */
  private readonly openItems = new Set<string>();
  /** The input decoded so far of each open custom tool call. */
  private readonly customInputs = new Map<string, CustomToolInputStream>();
  private readonly presenter: OutputItemPresenter;
  private ended = false;
  /** The snapshot as the terminal event showed it: it never changes after the end, so it is copied once. */
  private final: ResponseObject | undefined;

  constructor(initial: ResponseObject, private readonly options: ResponseEventEncoderOptions = {}) {
    this.snapshot = shallowView(initial);
    this.presenter = new OutputItemPresenter(ToolNameMap.fromDeclaredTools(initial.tools), options.reasoningSeal, options.reasoningSummary, options.compactionSeal);
  }

  /** The response as the events so far describe it; after the end, the same object the terminal event carries. */
  get response(): ResponseObject {
    return this.final ?? copyJson(this.snapshot);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The opening events: `response.queued` (background), `response.created`, `response.in_progress`. */
  start(): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    // Events that show the same state share one view: nothing changes an event once it is out.
    if (this.snapshot.status === 'queued') {
      const queued = shallowView(this.snapshot);
      events.push(this.event('response.created', { response: queued }));
      events.push(this.event('response.queued', { response: queued }));
      this.snapshot.status = 'in_progress';
      events.push(this.event('response.in_progress', { response: shallowView(this.snapshot) }));
    } else {
      this.snapshot.status = 'in_progress';
      const started = shallowView(this.snapshot);
      events.push(this.event('response.created', { response: started }));
      events.push(this.event('response.in_progress', { response: started }));
    }
    return events;
  }

  /**
   * Goes on from a stored stream instead of opening one (a resumed background response): the
   * next event follows `lastSequence`, and the output is the one `initial` carried.
   */
  continueAfter(lastSequence: number): void {
    this.sequence = lastSequence + 1;
    this.snapshot.status = 'in_progress';
  }

  encode(event: AgentEvent): ResponseStreamEvent[] {
    if (this.ended) return [];
    switch (event.type) {
      case 'item.added':
        return this.itemAdded(event.item);
      case 'text.delta':
        return this.contentDelta(event.itemId, event.contentIndex, 'output_text', event.delta);
      case 'reasoning.delta':
        return this.options.reasoningSummary
          ? this.summaryDelta(event.itemId, event.contentIndex, event.delta)
          : this.contentDelta(event.itemId, event.contentIndex, 'reasoning_text', event.delta);
      case 'arguments.delta':
        return this.argumentsDelta(event.itemId, event.delta);
      case 'tool.progress':
        return this.toolProgress(event.itemId, event.progress.kind);
      case 'item.done':
        return this.itemDone(event.item);
      case 'step.started':
        return this.options.extensions ? [this.event('response.step.created', { step_id: `step_${event.step}`, step: event.step })] : [];
      case 'step.completed':
        return this.options.extensions ? [this.event('response.step.completed', { step_id: `step_${event.step}`, step: event.step })] : [];
      case 'client_tool.waiting':
        return this.options.extensions ? [this.event('response.tool_result.waiting', { response_id: this.snapshot.id, call_id: event.callId })] : [];
      case 'client_tool.received':
        return this.options.extensions ? [this.event('response.tool_result.received', { response_id: this.snapshot.id, call_id: event.callId })] : [];
      case 'completed':
        return this.terminal('completed', event.usage);
      case 'incomplete':
        this.snapshot.incomplete_details = { reason: event.reason };
        return this.terminal('incomplete', event.usage);
      case 'failed':
        this.snapshot.error = { code: event.error.code, message: event.error.message };
        return this.terminal('failed', event.usage);
      case 'cancelled':
        return this.terminal('cancelled', event.usage);
    }
  }

  /**
   * Ends a response whose run stopped without a terminal event (a crash in an agent, a
   * shutdown): open parts and items are closed as incomplete, then `response.failed`.
   */
  abort(code: string, message: string, status: 'failed' | 'cancelled' = 'failed'): ResponseStreamEvent[] {
    if (this.ended) return [];
    if (status === 'failed') this.snapshot.error = { code, message };
    return this.terminal(status, undefined);
  }

  /**
   * The response, already ended, ends `failed` instead: its end could not be stored, so it must
   * not show as completed. The terminal event made last (not sent yet) is made again as
   * `response.failed`, with the same sequence number.
   */
  failEnding(code: string, message: string): ResponseStreamEvent {
    if (!this.ended || !this.final) throw new Error('failEnding: the response has not ended');
    // A new object: the ending made before may be held by whoever tried to store it.
    this.final = { ...copyJson(this.snapshot), status: 'failed', error: { code, message }, incomplete_details: null };
    this.snapshot = this.final;
    return { type: 'response.failed', sequence_number: this.sequence - 1, response: this.final };
  }

  private itemAdded(added: Item): ResponseStreamEvent[] {
    const item = this.presenter.present(added);
    const outputIndex = this.snapshot.output.length;
    this.outputIndexOf.set(item.id, outputIndex);
    if (item.type === 'custom_tool_call') this.customInputs.set(item.id, new CustomToolInputStream());
    this.openItems.add(item.id);
    // One copy for the snapshot and the event: neither changes it (a done item replaces it).
    const copy = copyJson(item);
    this.snapshot.output.push(copy);
    const events = [this.event('response.output_item.added', { output_index: outputIndex, item: copy })];
    const progress = item.type === 'mcp_call' ? 'response.mcp_call.in_progress'
      : item.type === 'code_interpreter_call' ? 'response.code_interpreter_call.in_progress'
        : item.type === 'mcp_list_tools' ? 'response.mcp_list_tools.in_progress' : undefined;
    if (progress) events.push(this.event(progress, { item_id: item.id, output_index: outputIndex }));
    return events;
  }

  private contentDelta(itemId: string, contentIndex: number, kind: 'output_text' | 'reasoning_text', delta: string): ResponseStreamEvent[] {
    // Per token: the part the last delta went to is found without building its key.
    let open = this.lastPart;
    let added: ResponseStreamEvent | undefined;
    if (open?.itemId !== itemId || open.contentIndex !== contentIndex || open.part.kind !== kind) {
      const outputIndex = this.indexOf(itemId);
      const key = `${itemId}:${contentIndex}`;
      let part = this.openParts.get(key);
      if (!part) {
        part = { kind, text: '' };
        this.openParts.set(key, part);
        added = this.event('response.content_part.added', {
          item_id: itemId, output_index: outputIndex, content_index: contentIndex, part: emptyPart(kind),
        });
      }
      open = { itemId, contentIndex, outputIndex, part };
      this.lastPart = open;
    }
    open.part.text += delta;
    // One literal per kind (the fields in the order they always had), not a spread of a fields object.
    const event: ResponseStreamEvent = kind === 'output_text'
      ? { type: 'response.output_text.delta', sequence_number: this.sequence++, item_id: itemId, output_index: open.outputIndex, content_index: contentIndex, delta, logprobs: [] }
      : { type: 'response.reasoning_text.delta', sequence_number: this.sequence++, item_id: itemId, output_index: open.outputIndex, content_index: contentIndex, delta };
    return added ? [added, event] : [event];
  }

  /** Reasoning as a summary: `summary_index` is the reasoning's content index. */
  private summaryDelta(itemId: string, summaryIndex: number, delta: string): ResponseStreamEvent[] {
    const outputIndex = this.indexOf(itemId);
    const events: ResponseStreamEvent[] = [];
    const key = `${itemId}:${summaryIndex}`;
    let part = this.openParts.get(key);
    if (!part) {
      part = { kind: 'summary_text', text: '' };
      this.openParts.set(key, part);
      events.push(this.event('response.reasoning_summary_part.added', {
        item_id: itemId, output_index: outputIndex, summary_index: summaryIndex, part: { type: 'summary_text', text: '' },
      }));
    }
    part.text += delta;
    events.push(this.event('response.reasoning_summary_text.delta', { item_id: itemId, output_index: outputIndex, summary_index: summaryIndex, delta }));
    return events;
  }

  private argumentsDelta(itemId: string, delta: string): ResponseStreamEvent[] {
    const outputIndex = this.indexOf(itemId);
    this.argumentText.set(itemId, (this.argumentText.get(itemId) ?? '') + delta);
    const customInput = this.customInputs.get(itemId);
    if (customInput) {
      const text = customInput.push(delta);
      return text === '' ? [] : [this.event('response.custom_tool_call_input.delta', { item_id: itemId, output_index: outputIndex, delta: text })];
    }
    const prefix = ARGUMENT_EVENTS[this.snapshot.output[outputIndex]!.type];
    if (!prefix) return [];
    return [this.event(`${prefix}.delta`, { item_id: itemId, output_index: outputIndex, delta })];
  }

  private toolProgress(itemId: string, kind: string): ResponseStreamEvent[] {
    // Progress kinds that are Responses events (e.g. `code_interpreter_call.interpreting`) pass through.
    const known = ['code_interpreter_call.interpreting', 'mcp_call.in_progress', 'mcp_list_tools.in_progress'];
    if (!known.includes(kind)) return [];
    return [this.event(`response.${kind}`, { item_id: itemId, output_index: this.indexOf(itemId) })];
  }

  private itemDone(done: Item): ResponseStreamEvent[] {
    const item = this.presenter.present(done);
    const outputIndex = this.indexOf(item.id);
    const events = this.closeParts(item);
    switch (item.type) {
      case 'function_call':
        events.push(this.event('response.function_call_arguments.done', {
          item_id: item.id, output_index: outputIndex, name: item.name, arguments: item.arguments,
        }));
        break;
      case 'custom_tool_call': {
        // What the stream could not decode as it came (arguments of another shape) goes out now.
        const decoded = this.customInputs.get(item.id)?.decoded ?? '';
        const rest = item.input.startsWith(decoded) ? item.input.slice(decoded.length) : '';
        if (rest !== '') events.push(this.event('response.custom_tool_call_input.delta', { item_id: item.id, output_index: outputIndex, delta: rest }));
        events.push(this.event('response.custom_tool_call_input.done', { item_id: item.id, output_index: outputIndex, input: item.input }));
        break;
      }
      case 'mcp_call':
        events.push(this.event('response.mcp_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments }));
        events.push(this.event(item.error || item.status === 'failed' ? 'response.mcp_call.failed' : 'response.mcp_call.completed', {
          item_id: item.id, output_index: outputIndex,
        }));
        break;
      case 'mcp_list_tools':
        events.push(this.event(item.error ? 'response.mcp_list_tools.failed' : 'response.mcp_list_tools.completed', {
          item_id: item.id, output_index: outputIndex,
        }));
        break;
      case 'code_interpreter_call':
        events.push(this.event('response.code_interpreter_call_code.done', { item_id: item.id, output_index: outputIndex, code: item.code ?? '' }));
        if (item.status === 'completed') {
          events.push(this.event('response.code_interpreter_call.completed', { item_id: item.id, output_index: outputIndex }));
        }
        break;
      default:
        break;
    }
    const copy = copyJson(item);
    this.snapshot.output[outputIndex] = copy;
    this.argumentText.delete(item.id);
    this.customInputs.delete(item.id);
    this.openItems.delete(item.id);
    events.push(this.event('response.output_item.done', { output_index: outputIndex, item: copy }));
    return events;
  }

  /** The `.done` events of the item's open content parts, with the item's final text. */
  private closeParts(item: Item): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    const outputIndex = this.indexOf(item.id);
    if (this.lastPart?.itemId === item.id) this.lastPart = undefined;
    for (const [key, part] of [...this.openParts]) {
      if (!key.startsWith(`${item.id}:`)) continue;
      this.openParts.delete(key);
      const contentIndex = Number(key.slice(item.id.length + 1));
      const text = finalText(item, contentIndex) ?? part.text;
      if (part.kind === 'summary_text') {
        const summary = { item_id: item.id, output_index: outputIndex, summary_index: contentIndex };
        events.push(this.event('response.reasoning_summary_text.done', { ...summary, text }));
        events.push(this.event('response.reasoning_summary_part.done', { ...summary, part: { type: 'summary_text', text } }));
        continue;
      }
      const where = { item_id: item.id, output_index: outputIndex, content_index: contentIndex };
      if (part.kind === 'output_text') {
        events.push(this.event('response.output_text.done', { ...where, text, logprobs: [] }));
        events.push(this.event('response.content_part.done', { ...where, part: { type: 'output_text', text, annotations: [], logprobs: [] } }));
      } else {
        events.push(this.event('response.reasoning_text.done', { ...where, text }));
        events.push(this.event('response.content_part.done', { ...where, part: { type: 'reasoning_text', text } }));
      }
    }
    return events;
  }

  private terminal(status: 'completed' | 'incomplete' | 'failed' | 'cancelled', usage: Parameters<typeof toResponseUsage>[0] | undefined): ResponseStreamEvent[] {
    const events = this.closeOpenItems();
    this.ended = true;
    this.snapshot.status = status;
    this.snapshot.completed_at = Math.floor(Date.now() / 1000);
    if (usage) this.snapshot.usage = toResponseUsage(usage);
    // OpenAI defines no `response.cancelled` event, and the openai SDK's stream helper (7.57.0,
    // internal/responses/response-accumulator.ts) throws "Unhandled response stream event" on any
    // type it does not know. So a cancelled response ends with `response.incomplete`, a terminal
    // type every client knows, whose snapshot says `status: 'cancelled'` (test: responses-cancel).
    const type = status === 'completed' ? 'response.completed'
      : status === 'failed' ? 'response.failed' : 'response.incomplete';
    // Nothing changes the snapshot after the end (`failEnding` makes a new one), so it is the final response as it is.
    this.final = this.snapshot;
    events.push(this.event(type, { response: this.final }));
    return events;
  }

  /**
   * Items still open at the end (an agent that broke the rules, an abort) are done as
   * incomplete. Open items are tracked, not read from `status`: a reasoning item has none.
   */
  private closeOpenItems(): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    for (const id of [...this.openItems]) {
      const item = this.snapshot.output[this.indexOf(id)]!;
      const args = item.type === 'custom_tool_call' ? this.customInputs.get(id)?.decoded : this.argumentText.get(id);
      events.push(...this.itemDone(incompleteCopy(item, this.openParts, args)));
    }
    return events;
  }

  private indexOf(itemId: string): number {
    const index = this.outputIndexOf.get(itemId);
    if (index === undefined) throw new Error(`agent event for item ${itemId}, which was never added`);
    return index;
  }

  private event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }
}

type PartKind = 'output_text' | 'reasoning_text' | 'summary_text';

function emptyPart(kind: 'output_text' | 'reasoning_text') {
  return kind === 'output_text' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'reasoning_text', text: '' };
}

function finalText(item: Item, contentIndex: number): string | undefined {
  if (item.type === 'message') {
    const part = item.content[contentIndex];
    return part?.type === 'output_text' ? part.text : undefined;
  }
  if (item.type === 'reasoning') return item.content?.[contentIndex]?.text;
  return undefined;
}

/**
 * The item as it stands, marked incomplete, with the text its open part received (a part
 * never opened is not invented: the item keeps the content it was added with). `args` is
 * the argument text streamed so far (for a custom tool call, its decoded input).
 */
function incompleteCopy(item: Item, openParts: ReadonlyMap<string, { kind: string; text: string }>, args: string | undefined): Item {
  const open = openParts.get(`${item.id}:0`);
  switch (item.type) {
    case 'message':
      return { ...item, status: 'incomplete', content: open ? [{ type: 'output_text', text: open.text, annotations: [], logprobs: [] }] : item.content };
    case 'reasoning':
      return { ...item, status: 'incomplete', content: open ? [{ type: 'reasoning_text', text: open.text }] : (item.content ?? []) };
    case 'function_call':
      return { ...item, status: 'incomplete', arguments: args ?? item.arguments };
    case 'custom_tool_call':
      return { ...item, status: 'incomplete', input: args ?? item.input };
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'mcp_call':
    case 'code_interpreter_call':
      return { ...item, status: 'incomplete' };
    default:
      return item;
  }
}

/**
 * A response object of its own over the same nested values. The encoder changes a snapshot only
 * in its top-level fields and its `output` list (an item is replaced, never changed), so this is
 * a copy as good as a deep one for what it shows: the state at the time.
 */
function shallowView(response: ResponseObject): ResponseObject {
  return { ...response, output: [...response.output] };
}
