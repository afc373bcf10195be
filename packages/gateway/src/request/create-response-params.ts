import type { ClientTool, Item, JsonObject, JsonValue, ModelOutputSpec, ModelToolChoice } from '@agentport/core';

/** A tool of a type served by a tool provider (`mcp`, `code_interpreter`, …), passed on as sent. */
export interface HostedToolRequest {
  type: string;
  config: JsonObject;
}

/** `POST /v1/responses` (and WebSocket `response.create`), checked and normalized. */
export interface CreateResponseParams {
  model: string;
  input: Item[];
  instructions: string | null;
  previousResponseId: string | null;
  conversationId: string | null;
  store: boolean;
  stream: boolean;
  background: boolean;
  /** Function tools: run by the client. */
  functionTools: ClientTool[];
  hostedTools: HostedToolRequest[];
  /** Tool types no provider serves: left out, with a log line. */
  ignoredToolTypes: string[];
  toolChoice: ModelToolChoice | undefined;
  parallelToolCalls: boolean;
  maxToolCalls: number | null;
  output: ModelOutputSpec | undefined;
  maxOutputTokens: number | null;
  temperature: number | null;
  topP: number | null;
  metadata: Record<string, string>;
  include: string[];
  /** The request's settings as the response object echoes them. */
  echo: { text: JsonObject; toolChoice: JsonValue; tools: JsonValue[]; truncation: 'auto' | 'disabled' };
}
