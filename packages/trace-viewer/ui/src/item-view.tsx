import type { Item } from './trace-api.js';
import { prettyJson } from './format.js';

/** One item of a response (a message, reasoning, a tool call or its result), as a person reads it. */
export function ItemView({ item }: { item: Item }) {
  switch (item.type) {
    case 'message':
      return (
        <div class={`item message ${item.role}`} data-testid="item" data-item-type="message">
          <span class="label">{item.role}</span>
          <div class="text">{item.content.map((part) => ('text' in part ? part.text : `[${part.type}]`)).join('\n')}</div>
        </div>
      );
    case 'reasoning':
      return (
        <div class="item reasoning" data-testid="item" data-item-type="reasoning">
          <span class="label">reasoning</span>
          <div class="text">{[...(item.content ?? []), ...item.summary].map((part) => part.text).join('\n') || '(sealed)'}</div>
        </div>
      );
    case 'function_call':
      return (
        <div class="item call" data-testid="item" data-item-type="function_call">
          <span class="label">calls {item.name}</span>
          <pre data-testid="call-arguments">{prettyJson(item.arguments)}</pre>
        </div>
      );
    case 'function_call_output':
      return (
        <div class="item result" data-testid="item" data-item-type="function_call_output">
          <span class="label">result of {item.call_id}</span>
          <pre>{prettyJson(item.output)}</pre>
        </div>
      );
    default:
      return (
        <div class="item other" data-testid="item" data-item-type={item.type}>
          <span class="label">{item.type}</span>
          <pre>{JSON.stringify(item, null, 2)}</pre>
        </div>
      );
  }
}
