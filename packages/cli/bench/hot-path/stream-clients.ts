/**
 * The benchmark's clients, one per way of reaching the tokens: the upstream directly
 * (`/v1/chat/completions`), a proxy's `POST /v1/responses` over SSE (bare or agentport),
 * agentport's WebSocket `/v1/responses` (one connection per worker, reused for its turns), and
 * agentport's Anthropic `POST /v1/messages` stream.
 * They classify events by their name or the head of their JSON, never parsing whole events,
 * so the client costs the same little on every side.
 */
import http from 'node:http';
import { WebSocket } from 'ws';

export const MODEL = 'fake-model';
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

/** One stream as the client saw it. */
export type StreamOutcome =
  | { kind: 'ok'; ttftMs: number; tokens: number; tokensPerSecond: number }
  | { kind: 'error'; status: number; message: string };

export interface StreamRequest {
  tokens: number;
  /** `false`: agentport keeps nothing (`store: false`). Ignored by direct and bare. */
  store: boolean;
}

/** Opens streams one after the other; a worker owns one. */
export interface StreamClient {
  stream(request: StreamRequest): Promise<StreamOutcome>;
  close(): void;
}

export type SideKind = 'direct' | 'sse' | 'ws' | 'messages';

export function makeClient(kind: SideKind, baseUrl: string, apiKey: string): StreamClient {
  if (kind === 'ws') return new WebSocketClient(baseUrl, apiKey);
  return {
    stream: (request) => sseStream(kind, baseUrl, apiKey, request),
    close: () => undefined,
  };
}

/** Counts tokens and times them. */
class TokenClock {
  private readonly started = performance.now();
  private first = -1;
  private last = -1;
  tokens = 0;

  token(): void {
    const now = performance.now();
    if (this.tokens === 0) this.first = now;
    this.last = now;
    this.tokens += 1;
  }

  outcome(): StreamOutcome {
    if (this.tokens === 0) return { kind: 'error', status: 0, message: 'no token' };
    const spanMs = this.last - this.first;
    return {
      kind: 'ok', ttftMs: this.first - this.started, tokens: this.tokens,
      tokensPerSecond: this.tokens > 1 && spanMs > 0 ? ((this.tokens - 1) * 1000) / spanMs : Number.NaN,
    };
  }
}

/** Where each SSE side sends its turn, and how it tells a token, the end and a failure apart. */
const SSE_SIDES = {
  direct: {
    path: '/chat/completions',
    body: (request: StreamRequest) => ({ model: MODEL, messages: [{ role: 'user', content: 'Count.' }], stream: true, max_completion_tokens: request.tokens }),
    isToken: (event: string) => event.includes('"content":"') && !event.includes('"content":""'),
    isEnd: (event: string) => event === 'data: [DONE]',
    isFailure: (event: string) => event.startsWith('data: {"error"'),
  },
  sse: {
    path: '/v1/responses',
    body: (request: StreamRequest) => ({ model: MODEL, input: 'Count.', stream: true, max_output_tokens: request.tokens, store: request.store }),
    isToken: (event: string) => event.startsWith('event: response.output_text.delta\n'),
    isEnd: (event: string) => event.startsWith('event: response.completed\n'),
    isFailure: (event: string) => /^event: (response\.failed|response\.incomplete|error)\n/.test(event),
  },
  // Stateless, as the Messages API is: `store` does not apply.
  messages: {
    path: '/v1/messages',
    body: (request: StreamRequest) => ({ model: MODEL, messages: [{ role: 'user', content: 'Count.' }], stream: true, max_tokens: request.tokens }),
    isToken: (event: string) => event.startsWith('event: content_block_delta\n'),
    isEnd: (event: string) => event.startsWith('event: message_stop\n'),
    isFailure: (event: string) => event.startsWith('event: error\n'),
  },
} as const;

function sseStream(kind: keyof typeof SSE_SIDES, baseUrl: string, apiKey: string, request: StreamRequest): Promise<StreamOutcome> {
  const side = SSE_SIDES[kind];
  const body = JSON.stringify(side.body(request));
  const url = `${baseUrl}${side.path}`;
  return new Promise((resolve) => {
    const clock = new TokenClock();
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
    }, (res) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve({ kind: 'error', status: res.statusCode ?? 0, message: text.slice(0, 300) }));
        return;
      }
      let buffer = '';
      let ended = false;
      let failure = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (side.isToken(event)) clock.token();
          else if (side.isEnd(event)) ended = true;
          else if (side.isFailure(event)) failure = event;
        }
      });
      res.on('end', () => resolve(ended && failure === '' ? clock.outcome() : { kind: 'error', status: 200, message: (failure || 'stream ended early').slice(0, 300) }));
      res.on('error', (error) => resolve({ kind: 'error', status: 0, message: error.message }));
    });
    req.on('error', (error) => resolve({ kind: 'error', status: 0, message: error.message }));
    req.end(body);
  });
}

/** One WebSocket per worker; turns go one after the other on it. */
class WebSocketClient implements StreamClient {
  private socket: Promise<WebSocket> | undefined;
  private onFrame: ((text: string) => void) | undefined;

  private readonly baseUrl: string;
  private readonly apiKey: string;

  constructor(baseUrl: string, apiKey: string) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  private open(): Promise<WebSocket> {
    this.socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${this.apiKey}` } });
      ws.once('open', () => resolve(ws));
      ws.once('error', (error) => {
        this.socket = undefined;
        reject(error);
      });
      ws.on('message', (data) => this.onFrame?.(String(data)));
      ws.once('close', () => {
        this.socket = undefined;
        this.onFrame?.('{"type":"closed"}');
      });
    });
    return this.socket;
  }

  async stream(request: StreamRequest): Promise<StreamOutcome> {
    let ws: WebSocket;
    try {
      ws = await this.open();
    } catch (error) {
      return { kind: 'error', status: 0, message: error instanceof Error ? error.message : String(error) };
    }
    return new Promise((resolve) => {
      const clock = new TokenClock();
      this.onFrame = (text) => {
        const head = text.slice(0, 48);
        if (head.startsWith('{"type":"response.output_text.delta"')) return clock.token();
        if (head.startsWith('{"type":"response.completed"')) return resolve(clock.outcome());
        if (/^\{"type":"(response\.failed|response\.incomplete|error|closed)"/.test(head)) {
          const status = /"status":(\d+)/.exec(text)?.[1];
          resolve({ kind: 'error', status: status === undefined ? 200 : Number(status), message: text.slice(0, 300) });
        }
      };
      ws.send(JSON.stringify({ type: 'response.create', model: MODEL, input: 'Count.', max_output_tokens: request.tokens, store: request.store }));
    });
  }

  close(): void {
    void this.socket?.then((ws) => ws.close(), () => undefined);
  }
}
