import type { Item, SpanRecord } from '@agentport/core';

/*
 * The gateway's trace API as the page reads it (`GET /v1/traces…`, see the gateway's
 * routes/traces.ts). A tenant key reads its own tenant; an admin key names one with `tenant`.
 */

export type { Item, SpanRecord };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens_details?: { reasoning_tokens?: number };
}

export interface ResponseSummary {
  id: string;
  status: string;
  model: string;
  created_at: number;
  completed_at: number | null;
  previous_response_id: string | null;
  conversation_id: string | null;
  background: boolean;
  usage: Usage | null;
  error: { code: string; message: string } | null;
}

export interface ConversationSummary {
  id: string;
  created_at: number;
  metadata: Record<string, string>;
}

export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  last_id: string | null;
}

/** A response as the Responses API shows it: the fields the page reads. */
export interface ResponseObject extends Omit<ResponseSummary, 'conversation_id'> {
  instructions: string | null;
  output: Item[];
  conversation: { id: string } | null;
  incomplete_details: { reason: string } | null;
}

/** One event as it was streamed. */
export interface StreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

export interface Trace {
  tenant: string;
  running: boolean;
  response: ResponseObject;
  input: Item[];
  chain: Array<{ id: string; status: string | null; created_at: number | null; model: string | null }>;
  spans: SpanRecord[];
  events: StreamEvent[];
}

export interface Credentials {
  key: string;
  /** Only for an admin key: the tenant to read. */
  tenant: string;
}

/** An error the API answered, in its own words. */
export class TraceApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function readApi<T>(credentials: Credentials, path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  if (credentials.tenant) params.set('tenant', credentials.tenant);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  const search = params.size > 0 ? `?${params}` : '';
  const response = await fetch(`/v1/traces${path}${search}`, {
    headers: credentials.key ? { authorization: `Bearer ${credentials.key}` } : {},
  });
  const body = await response.json().catch(() => undefined) as { error?: { message?: string } } | undefined;
  if (!response.ok) throw new TraceApiError(response.status, body?.error?.message ?? `the gateway answered ${response.status}`);
  return body as T;
}
