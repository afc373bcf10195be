import type { ClientTool, Item, JsonObject, JsonValue, ModelOutputSpec, ModelToolChoice } from '@agentport/core';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import type { InputEntry } from './input-items.js';

/** A tool of a type served by a tool provider (`mcp`, `code_interpreter`, …), passed on as sent. */
export interface HostedToolRequest {
  type: string;
  config: JsonObject;
}

/** `POST /v1/responses` (and WebSocket `response.create`), checked and normalized. */
export interface CreateResponseParams {
  model: string;
  /** The items the request sent, as stored; see `inputEntries` for references and the ids they came with. */
  input: Item[];
  /** `input` in order with its references (resolved by `resolveInput` against the history). */
  inputEntries: InputEntry[];
  instructions: string | null;
  previousResponseId: string | null;
  conversationId: string | null;
  store: boolean;
  stream: boolean;
  background: boolean;
  /**
   * Client tools as the model sees them: function tools, `custom` tools (a function with one
   * string argument) and the members of `namespace` tools (under `namespacedToolName`).
   */
  functionTools: ClientTool[];
  hostedTools: HostedToolRequest[];
  /** Tool types no provider serves: left out, with a log line. */
  ignoredToolTypes: string[];
  toolChoice: ModelToolChoice | undefined;
  parallelToolCalls: boolean;
  maxToolCalls: number | null;
  output: ModelOutputSpec | undefined;
  maxOutputTokens: number | null;
  /** The request's value, or the gateway's default: always sent upstream, so the response echoes what was used. */
  temperature: number;
  topP: number;
  /** Sent upstream when the request gives them; 0 (vLLM's and OpenAI's default) otherwise. */
  presencePenalty: number | null;
  frequencyPenalty: number | null;
  /** Echoed only: logprobs are not returned. */
  topLogprobs: number;
  metadata: Record<string, string>;
  include: string[];
  /** Set when `include` asks for `reasoning.encrypted_content`: seals the response's reasoning items. */
  reasoningSeal: ReasoningSeal | undefined;
  /** Seals the summary of a compaction item the run makes (automatic compaction). */
  compactionSeal: ReasoningSeal | undefined;
  /** The request's settings as the response object echoes them. */
  echo: {
    text: JsonObject;
    toolChoice: JsonValue;
    tools: JsonValue[];
    truncation: 'auto' | 'disabled';
    reasoning: ReasoningEcho;
    serviceTier: string;
    safetyIdentifier: string | null;
    promptCacheKey: string | null;
    user: string | null;
  };
}

/** The `reasoning` settings a response echoes (Open Responses requires the object). */
export interface ReasoningEcho {
  effort: string | null;
  summary: string | null;
}
