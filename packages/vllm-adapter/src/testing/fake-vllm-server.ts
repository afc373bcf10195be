import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { splitSseEvents } from './chat-stream-recording.js';
import { checkChatRequest, errorTypeForStatus } from './fake-request-checks.js';
import { type TokenizeChatBody, tokenizeChat } from './fake-tokenizer.js';
import { closingSteps, completionBody, type ReplyContext, scriptReply, scriptTokens, type WireStep } from './fake-reply-script.js';
import type { FakeErrorTurn, FakeReplayTurn, FakeReply, FakeTurn } from './fake-turn.js';

export interface FakeModel {
  id: string;
  /** Reported as `max_model_len` by `/v1/models`. */
  maxModelLen?: number;
}

/** What happened to a request's response. */
export type RequestOutcome =
  | 'pending'
  | 'completed'
  /** The client closed the connection before the response was complete (an abort). */
  | 'client-closed'
  /** The server cut it on purpose (a `cut` ending). */
  | 'server-cut';

/** A request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** e.g. `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body; undefined when empty or not JSON. */
  body: unknown;
  /** The TCP connection it came on: equal ids mean a reused keep-alive connection. */
  connectionId: number;
  outcome: RequestOutcome;
  /** Bytes of the response written so far, head included: how far a client that stopped reading let it get. */
  readonly bytesSent: number;
}

export interface FakeVllmServerOptions {
  /** Default: one model, `fake-model`, with `maxModelLen` 32768. */
  models?: FakeModel[];
  /** Turns played by chat requests, in order. */
  turns?: FakeTurn[];
  /** Decides the turn of a chat request when the queue is empty. */
  handler?: (request: RecordedRequest) => FakeTurn | undefined;
  /** Keep at most this many recorded requests (the oldest go first); default all. */
  keepRequests?: number;
  /** Like vLLM's `--api-key`: requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** Like vLLM's `--enable-auto-tool-choice`; default true. Without it, `auto` with tools is refused. */
  autoToolChoice?: boolean;
  /** Serve `POST /tokenize` (default true); false answers 404 there, as a server without the route. */
  tokenize?: boolean;
}

export const DEFAULT_FAKE_MODEL: FakeModel = { id: 'fake-model', maxModelLen: 32_768 };

/**
 * A real HTTP server on 127.0.0.1 speaking vLLM's OpenAI-compatible protocol: `/v1/models`,
 * `/v1/chat/completions` (SSE and JSON), `/tokenize` (chats, through `fake-tokenizer`) and `/health`. It plays scripted turns, replays
 * recorded exchanges, injects faults, refuses requests the way vLLM does and records every
 * request, with the connection it came on and whether the client hung up early.
 */
export class FakeVllmServer {
  readonly requests: RecordedRequest[] = [];
  readonly models: FakeModel[];
  private readonly turns: FakeTurn[];
  private readonly server: http.Server;
  private readonly connectionIds = new WeakMap<Socket, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closeWaiters: Array<(request: RecordedRequest) => void> = [];
  private nextConnectionId = 1;
  private nextToolCallNumber = 1;
  private port: number | undefined;
  /** Set by `close()`: connections it ends are not the client's doing. */
  private closing = false;

  constructor(private readonly options: FakeVllmServerOptions = {}) {
    this.models = options.models ?? [DEFAULT_FAKE_MODEL];
    this.turns = [...(options.turns ?? [])];
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) this.sendError(response, 500, `FakeVllmServer failed: ${String(error)}`);
        else response.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.connectionIds.set(socket, this.nextConnectionId++);
    });
  }

  /** Listens on 127.0.0.1, on a free port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The OpenAI-compatible root, `http://127.0.0.1:<port>/v1`. */
  get url(): string {
    if (this.port === undefined) throw new Error('FakeVllmServer is not started');
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Closes every connection, hanging streams included. */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Adds turns to the queue; each chat request that passes the checks plays the next one. */
  enqueue(...turns: FakeTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  /** The chat-completions requests received, in order. */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path === '/v1/chat/completions');
  }

  /** The body of the last chat-completions request. */
  get lastChatBody(): Record<string, unknown> {
    const last = this.chatRequests.at(-1);
    if (!last) throw new Error('FakeVllmServer received no chat request');
    return last.body as Record<string, unknown>;
  }

  /** Resolves with the first request whose client closed the connection before the response was complete. */
  waitForClientClose(): Promise<RecordedRequest> {
    const closed = this.requests.find((request) => request.outcome === 'client-closed');
    if (closed) return Promise.resolve(closed);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    // The socket's count goes on with the next request of a kept-alive connection: kept at the close.
    const { socket } = request;
    const bytesBefore = socket.bytesWritten;
    let bytesAtClose: number | undefined;
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0] ?? '/',
      headers: request.headers,
      rawBody,
      body: parseJson(rawBody),
      connectionId: this.connectionIds.get(socket) ?? 0,
      outcome: 'pending',
      get bytesSent() {
        return (bytesAtClose ?? socket.bytesWritten) - bytesBefore;
      },
    };
    this.requests.push(recorded);
    // A long-running user (a soak) keeps only the latest ones.
    if (this.options.keepRequests !== undefined && this.requests.length > this.options.keepRequests) this.requests.splice(0, this.requests.length - this.options.keepRequests);
    response.on('close', () => {
      bytesAtClose = socket.bytesWritten;
      if (response.writableFinished) {
        if (recorded.outcome === 'pending') recorded.outcome = 'completed';
        return;
      }
      if (recorded.outcome !== 'pending' || this.closing) return;
      recorded.outcome = 'client-closed';
      for (const resolve of this.closeWaiters.splice(0)) resolve(recorded);
    });

    if (this.options.apiKey !== undefined && request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      // vLLM's auth middleware answers with this bare shape.
      sendJson(response, 401, { error: 'Unauthorized' });
      return;
    }
    if (recorded.path === '/health') {
      response.writeHead(200).end();
      return;
    }
    if (recorded.path === '/v1/models' && recorded.method === 'GET') {
      sendJson(response, 200, { object: 'list', data: this.models.map(modelCard) });
      return;
    }
    if (recorded.path === '/v1/chat/completions' && recorded.method === 'POST') {
      await this.completeChat(recorded, response);
      return;
    }
    if (recorded.path === '/tokenize' && recorded.method === 'POST' && this.options.tokenize !== false) {
      this.tokenize(recorded, response);
      return;
    }
    sendJson(response, 404, { detail: 'Not Found' });
  }

  /** vLLM's `/tokenize` for a chat: `{ count, max_model_len, tokens }`. */
  private tokenize(recorded: RecordedRequest, response: http.ServerResponse): void {
    const body = recorded.body as (TokenizeChatBody & { model?: unknown; prompt?: unknown }) | undefined;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
      this.sendError(response, 400, "Field required: 'messages' (this fake tokenizes chats only)", undefined, 'error-object', 'messages');
      return;
    }
    const model = this.models.find((served) => body.model === undefined || served.id === body.model);
    if (!model) {
      this.sendError(response, 404, `The model \`${String(body.model)}\` does not exist.`);
      return;
    }
    const tokens = tokenizeChat(body);
    sendJson(response, 200, { count: tokens.length, max_model_len: model.maxModelLen ?? null, tokens, token_strs: null });
  }

  private async completeChat(recorded: RecordedRequest, response: http.ServerResponse): Promise<void> {
    if (recorded.body === undefined) {
      this.sendError(response, 400, 'JSON decode error: the request body is not JSON');
      return;
    }
    const rejection = checkChatRequest(recorded.body, {
      servedModels: this.models.map((model) => model.id),
      autoToolChoice: this.options.autoToolChoice ?? true,
    });
    if (rejection) {
      this.sendError(response, rejection.status, rejection.message, rejection.type, 'error-object', rejection.param);
      return;
    }
    const turn = this.turns.shift() ?? this.options.handler?.(recorded);
    if (!turn) {
      this.sendError(response, 500, `FakeVllmServer: no scripted turn left for chat request ${this.chatRequests.length}`);
      return;
    }
    const body = recorded.body as { model: string; stream?: unknown; stream_options?: { include_usage?: unknown } | null };
    const context: ReplyContext = {
      model: body.model,
      includeUsage: body.stream_options?.include_usage === true,
      completionId: `chatcmpl-${randomBytes(8).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      newToolCallId: () => `chatcmpl-tool-${(this.nextToolCallNumber++).toString(16).padStart(8, '0')}`,
    };
    switch (turn.type) {
      case 'error':
        await this.playError(turn, response);
        return;
      case 'replay':
        await this.playReplay(turn, response);
        return;
      case 'tokens':
        await this.playSteps(response, scriptTokens(turn, context));
        return;
      default:
        await this.playReply(turn, body.stream === true, context, recorded, response);
    }
  }

  private async playReply(reply: FakeReply, stream: boolean, context: ReplyContext, recorded: RecordedRequest, response: http.ServerResponse): Promise<void> {
    const answer = scriptReply(reply, context);
    const ending = reply.ending ?? 'complete';
    if (!(await this.pause(reply.timing?.firstByteDelayMs ?? 0, response))) return;
    if (!stream) {
      if (ending === 'cut') this.cut(recorded, response);
      else if (ending !== 'hang') sendJson(response, 200, completionBody(answer, context));
      return;
    }
    const steps = [...answer.steps];
    if (ending === 'complete') steps.push(...closingSteps(answer, context));
    if (ending === 'done-without-finish') steps.push({ kind: 'data', data: '[DONE]' });
    const ended = await this.playSteps(response, steps, ending !== 'cut' && ending !== 'hang');
    if (!ended) return;
    if (ending === 'cut') this.cut(recorded, response);
    // `hang`: the response stays open until the client or `close()` ends it.
  }

  private async playError(turn: FakeErrorTurn, response: http.ServerResponse): Promise<void> {
    if (!(await this.pause(turn.timing?.firstByteDelayMs ?? 0, response))) return;
    this.sendError(response, turn.status, turn.message, turn.errorType, turn.format);
  }

  private async playReplay(turn: FakeReplayTurn, response: http.ServerResponse): Promise<void> {
    const { status, headers, sse, body } = turn.recording.response;
    if (!(await this.pause(turn.timing?.firstByteDelayMs ?? 0, response))) return;
    if (sse === undefined) {
      sendJson(response, status, body);
      return;
    }
    response.writeHead(status, { 'content-type': headers['content-type'] ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const delay = turn.timing?.chunkDelayMs ?? 0;
    for (const [index, event] of splitSseEvents(sse).entries()) {
      if (index > 0 && !(await this.pause(delay, response))) return;
      if (!(await write(response, event))) return;
    }
    response.end();
  }

  /** Writes the steps as SSE; resolves false when the client went away first. */
  private async playSteps(response: http.ServerResponse, steps: WireStep[], endAfter = true): Promise<boolean> {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    for (const step of steps) {
      if (step.kind === 'delay') {
        if (!(await this.pause(step.ms, response))) return false;
        continue;
      }
      const text = step.kind === 'data' ? `data: ${step.data}\n\n` : `: ${step.text}\n\n`;
      if (!(await write(response, text))) return false;
    }
    if (endAfter) response.end();
    else response.flushHeaders();
    return true;
  }

  /** Destroys the socket once what was written has left, like a server that died mid-answer. */
  private cut(recorded: RecordedRequest, response: http.ServerResponse): void {
    recorded.outcome = 'server-cut';
    if (!response.headersSent) {
      response.socket?.destroy();
      return;
    }
    response.write('', () => response.socket?.destroy());
  }

  /** Waits `ms` unless the client goes away first; resolves whether the response is still open. */
  private pause(ms: number, response: http.ServerResponse): Promise<boolean> {
    if (response.destroyed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        response.off('close', onClose);
        resolve(!response.destroyed);
      }, ms);
      this.timers.add(timer);
      response.once('close', onClose);
    });
  }

  private sendError(
    response: http.ServerResponse,
    status: number,
    message: string,
    errorType = errorTypeForStatus(status),
    format: FakeErrorTurn['format'] = 'error-object',
    param: string | null = null,
  ): void {
    const detail = { message, type: errorType, param, code: status };
    sendJson(response, status, format === 'legacy' ? { object: 'error', ...detail } : { error: detail });
  }
}

function modelCard(model: FakeModel): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'vllm',
    root: model.id,
    parent: null,
    max_model_len: model.maxModelLen ?? null,
    permission: [],
  };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Writes and waits for the buffer to drain when it is full; resolves false when the client is gone. */
function write(response: http.ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onDrain = (): void => {
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
