import type { Item } from './item.js';

/**
 * Whether an item carries a tool's result: a function's output, or a hosted call that renders
 * its own item (`mcp_call`, `code_interpreter_call`, …). One per server tool call run.
 */
export function isToolResultItem(item: Item): boolean {
  if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') return true;
  return item.type.endsWith('_call') && item.type !== 'function_call' && item.type !== 'custom_tool_call';
}
