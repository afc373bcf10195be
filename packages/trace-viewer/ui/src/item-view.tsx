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
    case 'mcp_call':
      return (
        <div class="item call" data-testid="item" data-item-type="mcp_call">
          <span class="label">calls {item.server_label} · {item.name}</span>
          <pre data-testid="call-arguments">{prettyJson(item.arguments)}</pre>
          {item.error ? <div class="error" data-testid="call-error">{item.error}</div>
            : item.output != null && <><span class="label">result</span><pre data-testid="call-output">{prettyJson(item.output)}</pre></>}
        </div>
      );
    case 'mcp_list_tools':
      return (
        <div class="item other" data-testid="item" data-item-type="mcp_list_tools">
          <span class="label">tools of {item.server_label}</span>
          <div class="text">{item.tools.map((tool) => tool.name).join(', ')}</div>
        </div>
      );
    default:
      // Any other item (approvals, code interpreter calls, compaction): all of it, folded.
      return (
        <details class="item other" data-testid="item" data-item-type={item.type}>
          <summary class="label">{item.type}</summary>
          <pre>{JSON.stringify(item, null, 2)}</pre>
        </details>
      );
  }
}
