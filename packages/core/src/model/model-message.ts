/** The messages of a model request: provider-neutral, no Responses item ids. */

export interface ModelToolCall {
  /** The call id the model gave (e.g. `call_…`), echoed back in the tool's result. */
  id: string;
  name: string;
  /** The arguments as JSON text, as the model wrote them. */
  arguments: string;
}

export type UserContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string };

export type ModelMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | UserContentPart[] }
  | { role: 'assistant'; content: string; reasoning?: string; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };
