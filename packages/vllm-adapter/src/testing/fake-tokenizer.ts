/**
 * The fake server's stand-in for a model's tokenizer behind vLLM's `POST /tokenize`: it renders
 * the messages through a ChatML template (as Qwen's does: the tools in a system block, each
 * message between `<|im_start|>` and `<|im_end|>`, the generation prompt last) and counts words,
 * punctuation marks and special tokens. Not a real vocabulary, but deterministic, and every
 * message, tool and template flag changes the count the way a real tokenizer's would.
 */

const TOKEN = /<\|[a-z_]+\|>|[A-Za-z0-9]+|[^A-Za-z0-9\s]/g;
const VOCABULARY_SIZE = 151_936;

export interface TokenizeChatBody {
  messages: unknown[];
  tools?: unknown[] | undefined;
  add_generation_prompt?: boolean | undefined;
}

/** The chat as the template renders it. */
export function renderChatTemplate(body: TokenizeChatBody): string {
  let text = '';
  if (body.tools && body.tools.length > 0) {
    text += `<|im_start|>system\n# Tools\n<tools>\n${body.tools.map((tool) => JSON.stringify(tool)).join('\n')}\n</tools><|im_end|>\n`;
  }
  for (const message of body.messages) {
    const { role, content, tool_calls: toolCalls } = message as { role?: unknown; content?: unknown; tool_calls?: unknown[] };
    text += `<|im_start|>${String(role)}\n${contentText(content)}`;
    for (const call of toolCalls ?? []) text += `\n<tool_call>\n${JSON.stringify((call as { function?: unknown }).function)}\n</tool_call>`;
    text += '<|im_end|>\n';
  }
  if (body.add_generation_prompt !== false) text += '<|im_start|>assistant\n';
  return text;
}

/** Token ids of the rendered chat (one per match, hashed into the vocabulary). */
export function tokenizeChat(body: TokenizeChatBody): number[] {
  return (renderChatTemplate(body).match(TOKEN) ?? []).map(tokenId);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => {
    const { type, text } = part as { type?: unknown; text?: unknown };
    return type === 'text' && typeof text === 'string' ? text : '<|image_pad|>';
  }).join('');
}

function tokenId(token: string): number {
  let hash = 2_166_136_261;
  for (let index = 0; index < token.length; index += 1) hash = Math.imul(hash ^ token.charCodeAt(index), 16_777_619);
  return (hash >>> 0) % VOCABULARY_SIZE;
}
