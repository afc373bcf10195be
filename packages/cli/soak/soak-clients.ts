/**
 * The soak's clients: one turn each, over SSE or WebSocket, and what every turn must satisfy
 * whatever the upstream did: sequence numbers 0, 1, 2, … with none missing or repeated,
 * exactly one terminal event and it last, the outcome the upstream's behaviour calls for, the
 * exact text when it completes, and (stored) a replay of the event log equal to what was streamed.
 */
import { WebSocket } from 'ws';
import { expectedText, SOAK_MODEL, soakInput, type UpstreamBehaviour } from './soak-upstream.ts';

export interface StreamEvent {
  type: string;
  sequence_number: number;
  response?: { id: string; status: string; error?: { code: string } | null; incomplete_details?: { reason: string } | null; output?: Array<{ type: string; content?: Array<{ text?: string }> }> };
  [key: string]: unknown;
}

/** What went wrong with one turn, if anything: said in a sentence, for the report. */
export type TurnVerdict = { ok: true; events: number } | { ok: false; problem: string };

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** The terminal a behaviour must end with, and the error codes a failure may carry. */
const EXPECTED: Record<UpstreamBehaviour, { status: string; codes?: readonly string[] }> = {
  ok: { status: 'completed' },
  drip: { status: 'completed' },
  garbage: { status: 'failed', codes: ['invalid_chunk'] },
  cut: { status: 'failed', codes: ['transport'] },
  hang: { status: 'failed', codes: ['timeout'] },
  refuse: { status: 'failed', codes: ['provider_error', 'server_error'] },
};

export interface TurnPlan {
  behaviour: UpstreamBehaviour;
  tokens: number;
  store: boolean;
  /** A background response (stored), streamed as it runs. */
  background?: boolean;
}

/** Checks one turn's events against its plan; returns the problem or the count of events. */
export function checkTurn(plan: TurnPlan, events: readonly StreamEvent[]): TurnVerdict {
  const stream = checkStream(plan, events);
  if (!stream.ok) return stream;
  const response = events.at(-1)!.response!;
  const expected = EXPECTED[plan.behaviour];
  if (response.status !== expected.status) return { ok: false, problem: `${plan.behaviour}: ended ${response.status} (${response.error?.code ?? response.incomplete_details?.reason ?? ''}), expected ${expected.status}` };
  if (expected.codes && !expected.codes.includes(response.error?.code ?? '')) {
    return { ok: false, problem: `${plan.behaviour}: failed with ${response.error?.code}, expected one of ${expected.codes.join(', ')}` };
  }
  if (expected.status === 'completed') {
    const text = (response.output ?? []).filter((item) => item.type === 'message').flatMap((item) => item.content ?? []).map((part) => part.text ?? '').join('');
    if (text !== expectedText(plan.tokens)) return { ok: false, problem: `${plan.behaviour}: the answer differs from what the upstream sent (${text.length} characters against ${expectedText(plan.tokens).length})` };
    const deltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta as string).join('');
    if (deltas !== text) return { ok: false, problem: `${plan.behaviour}: the deltas do not add up to the answer` };
  }
  return stream;
}

/** Whatever the outcome: numbers 0, 1, 2, … with none missing or repeated, and one terminal event, last. */
export function checkStream(plan: TurnPlan, events: readonly StreamEvent[]): TurnVerdict {
  if (events.length === 0) return { ok: false, problem: `${plan.behaviour}: no events` };
  for (const [index, event] of events.entries()) {
    if (event.sequence_number !== index) {
      return { ok: false, problem: `${plan.behaviour}: event ${index} (${event.type}) has sequence_number ${event.sequence_number}: ${event.sequence_number < index ? 'repeated' : 'one lost'}` };
    }
  }
  const terminals = events.filter((event) => TERMINAL.has(event.type));
  if (terminals.length !== 1 || !TERMINAL.has(events.at(-1)!.type)) {
    return { ok: false, problem: `${plan.behaviour}: ${terminals.length} terminal events, the last event is ${events.at(-1)!.type}` };
  }
  return { ok: true, events: events.length };
}

function createBody(plan: TurnPlan): Record<string, unknown> {
  return { model: SOAK_MODEL, input: soakInput(plan.behaviour, plan.tokens), store: plan.store, ...(plan.background ? { background: true } : {}) };
}

/** What one SSE turn saw; `broken` says how the connection failed under it, if it did. */
export interface SseTurn {
  status: number;
  events: StreamEvent[];
  aborted: boolean;
  broken?: string;
}

/** A WebSocket turn the connection's end cut short, with the events it had. */
export class TurnCutError extends Error {
  readonly events: StreamEvent[];

  constructor(events: StreamEvent[]) {
    super(`the WebSocket closed after ${events.length} events`);
    this.events = events;
  }
}

/** One streamed turn over HTTP; `abortAfterDeltas` makes it a client that leaves mid-stream. */
export async function sseTurn(baseUrl: string, apiKey: string, plan: TurnPlan, abortAfterDeltas?: number): Promise<SseTurn> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...createBody(plan), stream: true }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) {
    await response.text().catch(() => undefined);
    return { status: response.status, events: [], aborted: false };
  }
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let deltas = 0;
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as StreamEvent;
        events.push(event);
        if (event.type === 'response.output_text.delta') deltas += 1;
      }
      if (abortAfterDeltas !== undefined && deltas >= abortAfterDeltas) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    // Closing an aborted body throws; that is the leaving, not a failure.
    if (!controller.signal.aborted) return { status: response.status, events, aborted: false, broken: String(error) };
  }
  return { status: response.status, events, aborted: controller.signal.aborted };
}

/** A client that keeps one WebSocket open and sends its turns on it, one after the other. */
export class WebSocketClient {
  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
  }

  static async open(baseUrl: string, apiKey: string): Promise<WebSocketClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${apiKey}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new WebSocketClient(socket);
  }

  turn(plan: TurnPlan): Promise<StreamEvent[]> {
    return new Promise((resolve, reject) => {
      const events: StreamEvent[] = [];
      const onMessage = (data: Buffer) => {
        const event = JSON.parse(data.toString('utf8')) as StreamEvent;
        if (event.type === 'error') {
          cleanup();
          reject(new Error(`error frame: ${JSON.stringify(event)}`));
          return;
        }
        events.push(event);
        if (TERMINAL.has(event.type)) {
          cleanup();
          resolve(events);
        }
      };
      const onClose = () => {
        cleanup();
        reject(new TurnCutError(events));
      };
      const cleanup = () => {
        this.socket.off('message', onMessage);
        this.socket.off('close', onClose);
      };
      this.socket.on('message', onMessage);
      this.socket.once('close', onClose);
      this.socket.send(JSON.stringify({ type: 'response.create', ...createBody(plan) }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** The stored event log of a response, replayed over SSE. */
export async function replayEvents(baseUrl: string, apiKey: string, responseId: string): Promise<StreamEvent[]> {
  const response = await fetch(`${baseUrl}/v1/responses/${responseId}?stream=true`, { headers: { authorization: `Bearer ${apiKey}` } });
  const text = await response.text();
  return text.split('\n\n').flatMap((frame) => {
    const data = frame.split('\n').find((line) => line.startsWith('data: '));
    return data ? [JSON.parse(data.slice(6)) as StreamEvent] : [];
  });
}

/** A stored response's status and error code. */
export async function retrieveStatus(baseUrl: string, apiKey: string, responseId: string): Promise<{ status: string; error?: string; incomplete?: string }> {
  const response = await fetch(`${baseUrl}/v1/responses/${responseId}`, { headers: { authorization: `Bearer ${apiKey}` } });
  const body = await response.json() as { status: string; error?: { code: string } | null; incomplete_details?: { reason: string } | null };
  return { status: body.status, ...(body.error ? { error: body.error.code } : {}), ...(body.incomplete_details ? { incomplete: body.incomplete_details.reason } : {}) };
}

/** Requests a hostile or careless client sends: each must get a 4xx with the OpenAI error body, never a 5xx. */
export const BAD_REQUESTS: ReadonlyArray<{ name: string; method: string; path: string; body?: string; contentType?: string }> = [
  { name: 'not JSON', method: 'POST', path: '/v1/responses', body: '{"model": ' },
  { name: 'model of the wrong type', method: 'POST', path: '/v1/responses', body: JSON.stringify({ model: 5, input: 'x' }) },
  { name: 'input of the wrong type', method: 'POST', path: '/v1/responses', body: JSON.stringify({ model: SOAK_MODEL, input: { nope: true } }) },
  { name: 'a function tool named with spaces', method: 'POST', path: '/v1/responses', body: JSON.stringify({ model: SOAK_MODEL, input: 'x', tools: [{ type: 'function', name: 'has spaces' }] }) },
  { name: 'a schema that is not one', method: 'POST', path: '/v1/responses', body: JSON.stringify({ model: SOAK_MODEL, input: 'x', tools: [{ type: 'function', name: 'f', parameters: { type: 'nonsense' } }] }) },
  { name: 'missing previous response', method: 'POST', path: '/v1/responses', body: JSON.stringify({ model: SOAK_MODEL, input: 'x', previous_response_id: 'resp_nope' }) },
  { name: 'a body that is not JSON at all', method: 'POST', path: '/v1/responses', body: 'hello', contentType: 'text/plain' },
  { name: 'an id with NUL', method: 'GET', path: '/v1/responses/resp_%00abc' },
  { name: 'an id with quotes and percent', method: 'GET', path: `/v1/responses/${encodeURIComponent("resp_'\"%_\\")}` },
  { name: 'an id of 10 kB', method: 'GET', path: `/v1/responses/resp_${'a'.repeat(10_000)}` },
  { name: 'cancel of nothing', method: 'POST', path: '/v1/responses/resp_missing/cancel' },
  { name: 'a conversation that is not there', method: 'GET', path: '/v1/conversations/conv_%00' },
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing/here' },
];

/** Sends one bad request; returns its status, and whether the body has the OpenAI error shape. */
export async function badRequest(baseUrl: string, apiKey: string, bad: (typeof BAD_REQUESTS)[number]): Promise<{ status: number; openAiShaped: boolean }> {
  const response = await fetch(`${baseUrl}${bad.path}`, {
    method: bad.method,
    headers: { authorization: `Bearer ${apiKey}`, ...(bad.body === undefined ? {} : { 'content-type': bad.contentType ?? 'application/json' }) },
    ...(bad.body === undefined ? {} : { body: bad.body }),
  });
  const body = await response.json().catch(() => undefined) as { error?: Record<string, unknown> } | undefined;
  const error = body?.error;
  const openAiShaped = typeof error === 'object' && error !== null && ['message', 'type', 'param', 'code'].every((key) => key in error);
  return { status: response.status, openAiShaped };
}
