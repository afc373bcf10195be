import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';

/** A call's result as text for the model: the `output` (or `error`) of its `mcp_call` item. */
export interface McpCallOutput {
  text: string;
  /** The tool said it failed (`isError`). */
  isError: boolean;
}

/**
 * Text blocks as they are, joined by newlines; other blocks as a short note (an image is
 * not shown to a text model); no content but `structuredContent`: that, as JSON. Cut to
 * `maxChars` with a note of how much was cut.
 */
export function callOutputText(result: CallToolResult, maxChars: number): McpCallOutput {
  const parts = result.content.map(describeBlock);
  let text = parts.join('\n');
  if (text === '' && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  return { text: capText(text, maxChars), isError: result.isError === true };
}

export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[output truncated: ${text.length - maxChars} more characters]`;
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes]`;
    case 'resource_link':
      return `[resource: ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource':
      return 'text' in block.resource && typeof block.resource.text === 'string'
        ? block.resource.text
        : `[resource: ${block.resource.uri}]`;
    default:
      return JSON.stringify(block);
  }
}
