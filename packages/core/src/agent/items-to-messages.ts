import { createHash } from 'node:crypto';
import type { Item } from '../items/item.js';
import type { ModelMessage, ModelToolCall } from '../model/model-message.js';
import { COMPACTION_SUMMARY_PREFIX, compactedView } from './compacted-view.js';

/** The one argument a `custom` (freeform) tool's text travels in when a model sees the tool as a function. */
export const CUSTOM_TOOL_INPUT_ARGUMENT = 'input';

/** The arguments of the function call that stands for a custom tool call with this input. */
export function customToolArguments(input: string): string {
  return JSON.stringify({ [CUSTOM_TOOL_INPUT_ARGUMENT]: input });
}

/** The longest function name OpenAI-style tool lists accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * The flat name a model sees for function `name` of a `namespace` tool: `namespace__name`
 * (just joined when the namespace already ends in `__`, as Codex's `mcp__server__` do).
 * Characters outside `[A-Za-z0-9_-]` become `_`; a name over 64 characters is cut and ends
 * with a digest of the whole, so distinct names stay distinct. Pure, so a call in history
 * gets the same name the tool was offered under.
 */
export function namespacedToolName(namespace: string, name: string): string {
  const joined = namespace.endsWith('__') ? `${namespace}${name}` : `${namespace}__${name}`;
  const clean = joined.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= MAX_TOOL_NAME_LENGTH && clean === joined) return clean;
  const digest = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${clean.slice(0, MAX_TOOL_NAME_LENGTH - digest.length - 1)}_${digest}`;
}

/**
 * Turns Responses items into the messages a model sees. Reasoning is attached to the
 * assistant turn it precedes; consecutive calls become one assistant turn with several tool
 * calls; hosted tool calls (MCP, code interpreter) are shown as the tool calls they were;
 * a custom tool call is a call of a function with one string argument, `input`, and a call
 * of a namespace's tool goes by its `namespacedToolName`. A compaction's summary is a user
 * message standing for what it replaced (`compactedView`). Items a model never sees (tool
 * lists, approvals) are left out.
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

  for (const item of compactedView(items)) {
    switch (item.type) {
      case 'compaction':
        assistant = undefined;
        reasoning = '';
        messages.push({ role: 'user', content: `${COMPACTION_SUMMARY_PREFIX}${item.summary}` });
        break;
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
      case 'function_call': {
        const name = item.namespace ? namespacedToolName(item.namespace, item.name) : item.name;
        addCall({ id: item.call_id, name, arguments: item.arguments }, undefined);
        break;
      }
      case 'custom_tool_call': {
        const name = item.namespace ? namespacedToolName(item.namespace, item.name) : item.name;
        addCall({ id: item.call_id, name, arguments: customToolArguments(item.input) }, undefined);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
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
