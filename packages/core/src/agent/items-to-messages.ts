import type { Item } from '../items/item.js';
import type { ModelMessage, ModelToolCall } from '../model/model-message.js';

/**
 * Turns Responses items into the messages a model sees. Reasoning is attached to the
 * assistant turn it precedes; consecutive calls become one assistant turn with several tool
 * calls; hosted tool calls (MCP, code interpreter) are shown as the tool calls they were.
 * Items a model never sees (tool lists, approvals) are left out.
 */
export function itemsToMessages(items: readonly Item[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  let reasoning = '';
  let assistant: Extract<ModelMessage, { role: 'assistant' }> | undefined;

  const openAssistant = () => {
    if (!assistant) {
      assistant = { role: 'assistant', content: '' };
      if (reasoning) assistant.reasoning = reasoning;
      reasoning = '';
      messages.push(assistant);
    }
    return assistant;
  };
  const addCall = (call: ModelToolCall, output: string | undefined) => {
    const turn = openAssistant();
    (turn.toolCalls ??= []).push(call);
    if (output !== undefined) {
      messages.push({ role: 'tool', toolCallId: call.id, content: output });
      assistant = undefined;
    }
  };

  for (const item of items) {
    switch (item.type) {
      case 'message': {
        const text = item.content.map((part) => {
          switch (part.type) {
            case 'input_text':
            case 'output_text':
              return part.text;
            case 'refusal':
              return part.refusal;
            case 'input_image':
              return '';
          }
        }).join('');
        if (item.role === 'assistant') {
          // Text after tool calls is a new assistant turn.
          if (assistant?.toolCalls) assistant = undefined;
          const turn = openAssistant();
          turn.content += text;
        } else {
          assistant = undefined;
          const images = item.content.flatMap((part) => part.type === 'input_image' && part.image_url ? [part.image_url] : []);
          if (item.role === 'user') {
            messages.push(images.length === 0
              ? { role: 'user', content: text }
              : { role: 'user', content: [{ type: 'text', text }, ...images.map((url) => ({ type: 'image' as const, url }))] });
          } else {
            messages.push({ role: 'system', content: text });
          }
        }
        break;
      }
      case 'reasoning': {
        const text = (item.content ?? []).map((part) => part.text).join('') || item.summary.map((part) => part.text).join('');
        assistant = undefined;
        reasoning += text;
        break;
      }
      case 'function_call':
        addCall({ id: item.call_id, name: item.name, arguments: item.arguments }, undefined);
        break;
      case 'function_call_output':
        assistant = undefined;
        messages.push({ role: 'tool', toolCallId: item.call_id, content: item.output });
        break;
      case 'mcp_call':
        addCall({ id: item.id, name: item.name, arguments: item.arguments }, item.error ? `Error: ${item.error}` : item.output ?? '');
        break;
      case 'code_interpreter_call':
        addCall(
          { id: item.id, name: 'code_interpreter', arguments: JSON.stringify({ code: item.code ?? '' }) },
          (item.outputs ?? []).map((output) => (output.type === 'logs' ? output.logs : `[image: ${output.url}]`)).join('\n'),
        );
        break;
      case 'mcp_list_tools':
      case 'mcp_approval_request':
      case 'mcp_approval_response':
        break;
    }
  }
  return messages;
}
