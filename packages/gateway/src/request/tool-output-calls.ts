import type { Item } from '@agentport/core';
import { invalidRequest } from '../errors.js';

/**
 * Refuses a tool output that answers no call: each `function_call_output` (and
 * `custom_tool_call_output`) of this turn's input must name the `call_id` of a call in the
 * history or earlier in the input, as OpenAI checks it. Without the call the model would see
 * an answer to a question it never asked.
 */
export function assertToolOutputsAnswerCalls(history: readonly Item[], input: readonly Item[]): void {
  const calls = new Set<string>();
  const addCall = (item: Item) => {
    if ((item.type === 'function_call' || item.type === 'custom_tool_call')) calls.add(item.call_id);
  };
  history.forEach(addCall);
  input.forEach((item, index) => {
    if ((item.type === 'function_call_output' || item.type === 'custom_tool_call_output') && !calls.has(item.call_id)) {
      throw invalidRequest(
        `input[${index}].call_id`,
        `No tool call found for ${item.type} with call_id '${item.call_id}': it must answer a call in the previous response, the conversation or this input.`,
        'tool_call_not_found',
      );
    }
    addCall(item);
  });
}
