import type { Socket } from 'node:net';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { WebSocket } from 'ws';
import type { GatewayHarness } from './gateway-harness.js';
import type { SnapshotResponse, StreamEvent } from './response-stream-checker.js';
import { streamEventProblems } from './stream-event-schema.js';

/** A frame the gateway sent: a Responses event, an extension event or an error frame. */
export type ServerFrame = StreamEvent & {
  response?: SnapshotResponse;
  status?: number;
  error?: { message: string; type: string; code: string; param: string | null; headers?: Record<string, string> };
};

const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete']);

export function isTerminal(frame: ServerFrame): boolean {
  return TERMINAL_TYPES.has(frame.type);
}

/**
 * The frames received on one connection, in order, with a way to wait for the next one that
 * matters. Every frame is checked against the spec's schema of its event type: a frame that
 * does not fit fails every wait, so a test sees it.
 */
export class FrameLog {
  readonly frames: ServerFrame[] = [];
  private readonly waiters: Array<{
    predicate: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void; reject: (error: Error) => void;
  }> = [];
  private shapeError: Error | undefined;

  push(frame: ServerFrame): void {
    this.frames.push(frame);
    const problems = streamEventProblems(frame);
    if (problems.length > 0 && !this.shapeError) {
      this.shapeError = new Error(`frame #${this.frames.length - 1} (${frame.type}) does not fit the spec: ${problems.join('; ')}`);
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.shapeError);
    }
    if (this.shapeError) return;
    for (const waiter of [...this.waiters]) {
      if (!waiter.predicate(frame)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    }
  }

  /** The first frame, received or to come, that matches. */
  waitFor(predicate: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    if (this.shapeError) return Promise.reject(this.shapeError);
    const seen = this.frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => this.waiters.push({ predicate, resolve, reject }));
  }

  /** Waits until `count` responses have ended; returns their terminal frames. */
  async terminals(count: number): Promise<ServerFrame[]> {
    let seen = 0;
    await this.waitFor((frame) => isTerminal(frame) && ++seen >= count);
    return this.frames.filter(isTerminal);
  }

  errors(): ServerFrame[] {
    return this.frames.filter((frame) => frame.type === 'error');
  }

  /** The events of one response, in order (extension events included). */
  eventsOf(responseId: string): StreamEvent[] {
    const events: StreamEvent[] = [];
    let inside = false;
    for (const frame of this.frames) {
      if (frame.type === 'response.created') inside = frame.response?.id === responseId;
      if (inside && frame.type !== 'error') events.push(frame);
      if (inside && isTerminal(frame)) inside = false;
    }
    return events;
  }

  /** The ids of the responses, in the order they were created. */
  responseIds(): string[] {
    return this.frames.filter((frame) => frame.type === 'response.created').map((frame) => frame.response!.id);
  }
}

export function websocketUrl(harness: GatewayHarness): string {
  return `${harness.url.replace(/^http/, 'ws')}/v1/responses`;
}

/** openai-node's `ResponsesWS` on the gateway, every frame logged (error frames too, which it also emits as `error`). */
export function connectResponsesWS(harness: GatewayHarness, apiKey = 'test-key'): { ws: ResponsesWS; log: FrameLog; sdkErrors: Error[] } {
  const ws = new ResponsesWS(harness.client(apiKey));
  const log = new FrameLog();
  const sdkErrors: Error[] = [];
  ws.on('event', (event) => log.push(event as unknown as ServerFrame));
  ws.on('error', (error) => sdkErrors.push(error));
  return { ws, log, sdkErrors };
}

/** A bare `ws` client, for what the SDK does not do (binary frames, pausing reads, no pongs). */
export class RawClient {
  readonly log = new FrameLog();
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.log.push(JSON.parse(String(data)) as ServerFrame);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(harness: GatewayHarness, options: { apiKey?: string; autoPong?: boolean } = {}): Promise<RawClient> {
    const socket = new WebSocket(websocketUrl(harness), {
      headers: { authorization: `Bearer ${options.apiKey ?? 'test-key'}` },
      autoPong: options.autoPong ?? true,
    });
    const client = new RawClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The TCP socket under the WebSocket: pausing it stops reading, as a slow client would. */
  get tcp(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }

  close(): void {
    this.socket.close();
  }
}
