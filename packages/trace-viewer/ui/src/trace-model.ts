import type { Item, SpanRecord, StreamEvent, Trace } from './trace-api.js';

/*
 * What the page shows, worked out from a trace: the model calls in step order with the
 * messages each was sent and the items it made, and the tool calls with their arguments and
 * results, joined to the items by call id.
 */

export interface ModelCall {
  span: SpanRecord;
  step: number;
  /** The history items before this response (from its chain or conversation), counted. */
  historyItems: number;
  /** The response's output items the call was sent, after the history and the input. */
  sentOutput: Item[];
  /** The items the call made (those up to the next call, tool results excluded). */
  made: Item[];
  compacted: boolean;
}

export interface ToolCall {
  span: SpanRecord;
  name: string;
  callId: string;
  call: Item | undefined;
  result: Item | undefined;
}

/** The output as it stands: the stored output, or for a running response, the items its events finished. */
export function outputOf(trace: Trace): Item[] {
  if (!trace.running) return trace.response.output;
  const done = trace.events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item as Item);
  return done.length >= trace.response.output.length ? done : trace.response.output;
}

export function modelCalls(trace: Trace): ModelCall[] {
  const output = outputOf(trace);
  const root = trace.spans.find((span) => span.parentId === null);
  const historyItems = numberOf(root?.attributes['agentport.request.history_items']);
  const calls = trace.spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
  return calls.map((span, index) => {
    const sentCount = numberOf(span.attributes['agentport.request.output_items']);
    const next = calls[index + 1];
    const end = next ? numberOf(next.attributes['agentport.request.output_items']) : output.length;
    return {
      span,
      step: numberOf(span.attributes['agentport.step']) || index + 1,
      historyItems,
      sentOutput: output.slice(0, sentCount),
      made: output.slice(sentCount, end).filter((item) => !isToolResult(item)),
      compacted: span.attributes['agentport.request.compacted'] === true,
    };
  });
}

export function toolCalls(trace: Trace): ToolCall[] {
  const items = [...trace.input, ...outputOf(trace)];
  return trace.spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'execute_tool').map((span) => {
    const callId = String(span.attributes['gen_ai.tool.call.id'] ?? '');
    const itemId = span.attributes['agentport.tool.item_id'];
    return {
      span,
      name: String(span.attributes['gen_ai.tool.name'] ?? span.name),
      callId,
      call: items.find((item) => item.id === itemId) ?? items.find((item) => !isToolResult(item) && callIdOf(item) === callId),
      // A hosted tool's item holds its own result (`mcp_call`'s output); a function's comes as its own item.
      result: items.find((item) => isToolResult(item) && callIdOf(item) === callId),
    };
  });
}

/** The text streamed so far for items not yet done (a running response). */
export function streamingText(events: readonly StreamEvent[]): string {
  const done = new Set(events.filter((event) => event.type === 'response.output_item.done').map((event) => event.output_index));
  return events
    .filter((event) => (event.type === 'response.output_text.delta' || event.type === 'response.reasoning_text.delta') && !done.has(event.output_index))
    .map((event) => String(event.delta ?? ''))
    .join('');
}

export function isToolResult(item: Item): boolean {
  return item.type === 'function_call_output' || item.type === 'custom_tool_call_output';
}

function callIdOf(item: Item): string | undefined {
  return 'call_id' in item ? item.call_id : item.id;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
