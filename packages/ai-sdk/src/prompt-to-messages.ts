import type { ModelMessage, ModelToolCall, UserContentPart } from '@agentport/core';
import type { LanguageModelV4FilePart, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput, SharedV4Warning } from '@ai-sdk/provider';

/**
 * An AI SDK prompt as the port's messages (`toAiSdk`). What the port has no place for (files
 * other than images, provider-executed tool results, approval responses) is left out, each
 * kind with one warning.
 */
export function promptToMessages(prompt: LanguageModelV4Prompt, warnings: SharedV4Warning[]): ModelMessage[] {
  const dropped = new Set<string>();
  const drop = (feature: string) => {
    if (!dropped.has(feature)) warnings.push({ type: 'unsupported', feature, details: 'the agentport model port has no place for it; left out' });
    dropped.add(feature);
  };
  const messages: ModelMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const parts: UserContentPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') parts.push({ type: 'text', text: part.text });
          else if (imageUrlOf(part) !== undefined) parts.push({ type: 'image', url: imageUrlOf(part)! });
          else drop(`${part.mediaType} file parts`);
        }
        messages.push({ role: 'user', content: parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : parts });
        break;
      }
      case 'assistant': {
        let content = '';
        let reasoning = '';
        const toolCalls: ModelToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content += part.text;
          else if (part.type === 'reasoning') reasoning += part.text;
          else if (part.type === 'tool-call' && !part.providerExecuted) {
            toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: JSON.stringify(part.input) ?? '' });
          } else drop(`assistant ${part.type} parts`);
        }
        messages.push({ role: 'assistant', content, ...(reasoning ? { reasoning } : {}), ...(toolCalls.length ? { toolCalls } : {}) });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-result') messages.push({ role: 'tool', toolCallId: part.toolCallId, content: outputText(part.output, drop) });
          else drop('tool approval responses');
        }
        break;
    }
  }
  return messages;
}

/** An image as the port carries it: its URL, or its bytes as a data URL. */
function imageUrlOf(part: LanguageModelV4FilePart): string | undefined {
  if (!part.mediaType.startsWith('image')) return undefined;
  const { data } = part;
  if (data.type === 'url') return data.url.toString();
  if (data.type !== 'data') return undefined;
  const base64 = typeof data.data === 'string' ? data.data : Buffer.from(data.data).toString('base64');
  // `image` or `image/*` says no subtype; the server reads the bytes' own header.
  const mediaType = /^image\/[^*]+$/.test(part.mediaType) ? part.mediaType : 'image/octet-stream';
  return `data:${mediaType};base64,${base64}`;
}

/** A tool's result as the text the port feeds back; JSON values as JSON text. */
function outputText(output: LanguageModelV4ToolResultOutput, drop: (feature: string) => void): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return `The tool call was denied${output.reason ? `: ${output.reason}` : '.'}`;
    case 'content':
      return output.value.map((part) => {
        if (part.type === 'text') return part.text;
        drop(`tool result ${part.type} parts`);
        return '';
      }).join('');
  }
}
