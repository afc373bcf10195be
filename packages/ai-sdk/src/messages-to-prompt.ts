import type { ModelMessage, UserContentPart } from '@agentport/core';
import type { LanguageModelV4FilePart, LanguageModelV4Message, LanguageModelV4Prompt, LanguageModelV4TextPart } from '@ai-sdk/provider';

/** The port's messages as an AI SDK prompt (`fromAiSdk`). */
export function messagesToPrompt(messages: readonly ModelMessage[]): LanguageModelV4Prompt {
  // A tool result names its tool in the AI SDK; the port's names it only in the assistant's call.
  const toolNames = new Map<string, string>();
  return messages.map((message): LanguageModelV4Message => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user':
        return {
          role: 'user',
          content: typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content.map(userPart),
        };
      case 'assistant': {
        const content: Extract<LanguageModelV4Message, { role: 'assistant' }>['content'] = [];
        if (message.reasoning) content.push({ type: 'reasoning', text: message.reasoning });
        if (message.content !== '' || !message.toolCalls?.length) content.push({ type: 'text', text: message.content });
        for (const call of message.toolCalls ?? []) {
          toolNames.set(call.id, call.name);
          content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: parsedArguments(call.arguments) });
        }
        return { role: 'assistant', content };
      }
      case 'tool':
        return {
          role: 'tool',
          content: [{
            type: 'tool-result',
            toolCallId: message.toolCallId,
            toolName: toolNames.get(message.toolCallId) ?? '',
            output: { type: 'text', value: message.content },
          }],
        };
    }
  });
}

/** A data URL's bytes go as data (base64), any other URL as a URL for the provider to fetch or pass on. */
function userPart(part: UserContentPart): LanguageModelV4TextPart | LanguageModelV4FilePart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(part.url);
  if (dataUrl) return { type: 'file', mediaType: dataUrl[1]!, data: { type: 'data', data: dataUrl[2]! } };
  return { type: 'file', mediaType: 'image/*', data: { type: 'url', url: new URL(part.url) } };
}

/** The AI SDK wants the arguments as a value; text that is not JSON (a model's broken call, fed back) goes as the string. */
function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
