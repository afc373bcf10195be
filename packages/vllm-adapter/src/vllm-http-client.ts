import http from 'node:http';
import https from 'node:https';
import { ModelError } from '@agentport/core';
import { readBodyText } from './body-text-reader.js';
import type { ConnectionPoolState } from './connection-pool-metrics.js';
import { mapHttpError, mapTransportError } from './error-mapper.js';

export interface VllmHttpClientOptions {
  /** The OpenAI-compatible root, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  apiKey?: string;
  connectTimeoutMs: number;
  maxConnections: number;
  /** Largest error body read; the rest is dropped. */
  maxErrorBodyBytes: number;
  /** Largest JSON body read by `getJson`. */
  maxJsonBodyBytes: number;
  /**
   * After a `release()`, how long the rest of a body may take to arrive before the connection
   * is destroyed instead of going back to the pool.
   */
  drainTimeoutMs: number;
  /** Told, for each request, how long it waited for a pooled connection (seconds). */
  onConnectionWait?: (seconds: number) => void;
}

export interface HttpCallOptions {
  /** Aborting destroys the request; the signal's reason, when a `ModelError`, is what is thrown. */
  signal: AbortSignal;
  /** Longest wait for the next bytes (the response head included). */
  idleTimeoutMs: number;
  /** The path is under the server's root, not under `/v1`: vLLM's own endpoints (`/tokenize`) sit beside the OpenAI ones. */
  fromServerRoot?: boolean;
  /** More request headers (the call's trace context); they never replace the client's own. */
  headers?: Readonly<Record<string, string>>;
}

/** The text of a response body as it arrives. Leaving the loop early destroys the request. */
export type ResponseTextStream = AsyncIterable<string>;

export interface StreamResponse {
  /** The response's media type, lower-cased, without parameters (e.g. `text/event-stream`). */
  mediaType: string;
  body: ResponseTextStream;
  /**
   * Says the caller has the whole answer: when it then leaves the body early, what is left is
   * read and dropped so the connection goes back to the pool, or destroyed after
   * `drainTimeoutMs`. Resolves once either happened. Without it, leaving early destroys the
   * connection.
   */
  release(): Promise<void>;
}

/** One request in flight: its own failure (a timeout we raised) wins over the socket error it causes. */
interface InFlight {
  request: http.ClientRequest;
  failure?: ModelError;
  /** Started once the request has a socket: waiting in the pool's queue is not the server's silence. */
  idle?: NodeJS.Timeout;
  /** False while the caller holds a chunk: time spent by the caller is not the server's silence. */
  waiting: boolean;
  /** The caller has its answer: drain the rest instead of destroying the connection. */
  released: boolean;
}

/**
 * One pooled keep-alive HTTP client per vLLM endpoint, shared by every request to it. Failures
 * come out as `ModelError`s: HTTP statuses through the error mapper, socket failures as
 * `transport`, silence as `timeout`, an abort as the signal's reason.
 */
export class VllmHttpClient {
  readonly baseUrl: string;
  private readonly root: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly options: VllmHttpClientOptions) {
    this.root = new URL(options.baseUrl);
    if (this.root.protocol !== 'http:' && this.root.protocol !== 'https:') {
      throw new ModelError('bad_request', `vLLM baseUrl must be http(s): ${options.baseUrl}`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.transport = this.root.protocol === 'https:' ? https : http;
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxConnections,
      maxFreeSockets: options.maxConnections,
      // The most recently used sockets stay warm; the others expire on the server's keep-alive timeout.
      scheduling: 'lifo',
    };
    this.agent = this.root.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** POSTs JSON and resolves once a 2xx response head arrived; its body follows as text. */
  async postStream(path: string, body: string, options: HttpCallOptions): Promise<StreamResponse> {
    const inFlight = this.send('POST', path, body, options, 'text/event-stream');
    const response = await this.awaitResponse(inFlight, options.signal);
    if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) {
      throw await this.failedResponse(inFlight, response, options.signal);
    }
    const mediaType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    return {
      mediaType,
      body: this.readText(inFlight, response, options.signal),
      release: () => {
        inFlight.released = true;
        return new Promise<void>((resolve) => {
          if (response.readableEnded || response.destroyed) resolve();
          response.once('end', resolve);
          response.once('close', resolve);
        });
      },
    };
  }

  /** GETs a JSON document (e.g. `/models`). */
  getJson(path: string, options: HttpCallOptions): Promise<unknown> {
    return this.exchangeJson('GET', path, undefined, options);
  }

  /** POSTs JSON and reads a JSON answer (e.g. vLLM's `/tokenize`). */
  postJson(path: string, body: string, options: HttpCallOptions): Promise<unknown> {
    return this.exchangeJson('POST', path, body, options);
  }

  private async exchangeJson(method: 'GET' | 'POST', path: string, body: string | undefined, options: HttpCallOptions): Promise<unknown> {
    const inFlight = this.send(method, path, body, options, 'application/json');
    const response = await this.awaitResponse(inFlight, options.signal);
    if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) {
      throw await this.failedResponse(inFlight, response, options.signal);
    }
    let text = '';
    for await (const chunk of this.readText(inFlight, response, options.signal)) {
      text += chunk;
      if (text.length > this.options.maxJsonBodyBytes) {
        inFlight.request.destroy();
        throw new ModelError('invalid_chunk', `vLLM's answer to ${method} ${path} is larger than ${this.options.maxJsonBodyBytes} bytes`);
      }
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ModelError('invalid_chunk', `vLLM's answer to ${method} ${path} is not JSON: ${text.slice(0, 200)}`, { cause: error });
    }
  }

  /** How many connections are busy and idle, and how many requests queue for one. */
  poolState(): ConnectionPoolState {
    return { active: countAll(this.agent.sockets), idle: countAll(this.agent.freeSockets), waiting: countAll(this.agent.requests) };
  }

  /** The server's own root: the base URL's path without its OpenAI `/v1`. */
  private serverRoot(): string {
    return this.root.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  /** Closes the pooled connections; requests still running are destroyed. */
  close(): void {
    this.agent.destroy();
  }

  private send(method: 'GET' | 'POST', path: string, body: string | undefined, options: HttpCallOptions, accept: string): InFlight {
    const headers: http.OutgoingHttpHeaders = { ...options.headers, accept, 'user-agent': 'agentport-vllm-adapter' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const request = this.transport.request({
      protocol: this.root.protocol,
      hostname: this.root.hostname,
      port: this.root.port,
      path: `${options.fromServerRoot ? this.serverRoot() : this.root.pathname.replace(/\/+$/, '')}${path}`,
      method,
      headers,
      agent: this.agent,
      signal: options.signal,
    });
    const inFlight: InFlight = { request, waiting: true, released: false };
    const queuedAt = this.options.onConnectionWait ? performance.now() : 0;
    request.once('socket', (socket) => {
      this.options.onConnectionWait?.((performance.now() - queuedAt) / 1000);
      inFlight.idle = setTimeout(() => {
        if (!inFlight.waiting) {
          inFlight.idle?.refresh();
          return;
        }
        fail(inFlight, new ModelError('timeout', `vLLM sent nothing for ${options.idleTimeoutMs} ms`));
      }, options.idleTimeoutMs);
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => {
        fail(inFlight, new ModelError('timeout', `could not connect to vLLM at ${this.baseUrl} within ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.once('close', () => clearTimeout(inFlight.idle));
    request.end(body);
    return inFlight;
  }

  private awaitResponse(inFlight: InFlight, signal: AbortSignal): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      inFlight.request.once('response', (response) => {
        inFlight.idle?.refresh();
        resolve(response);
      });
      // `on`, not `once`: an error after the response head must not go unhandled; the body reports it.
      inFlight.request.on('error', (error) => reject(this.failureOf(inFlight, error, signal)));
    });
  }

  private readText(inFlight: InFlight, response: http.IncomingMessage, signal: AbortSignal): AsyncIterableIterator<string> {
    return readBodyText(response, {
      received: () => {
        inFlight.idle?.refresh();
        inFlight.waiting = false;
      },
      waiting: () => {
        inFlight.waiting = true;
      },
      failure: (error) => this.failureOf(inFlight, error, signal),
      stopped: (complete) => {
        clearTimeout(inFlight.idle);
        // Leaving the loop must not destroy the response: a released one is drained instead.
        if (!complete) this.finishEarly(inFlight, response);
      },
    });
  }

  /** The caller left before the end of the body: drain a released one, destroy any other. */
  private finishEarly(inFlight: InFlight, response: http.IncomingMessage): void {
    if (!inFlight.released || response.destroyed) {
      inFlight.request.destroy();
      return;
    }
    const timer = setTimeout(() => inFlight.request.destroy(), this.options.drainTimeoutMs);
    timer.unref();
    response.once('close', () => clearTimeout(timer));
    response.resume();
  }

  private async failedResponse(inFlight: InFlight, response: http.IncomingMessage, signal: AbortSignal): Promise<ModelError> {
    const status = response.statusCode ?? 0;
    const limit = this.options.maxErrorBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        inFlight.idle?.refresh();
        const buffer = chunk as Buffer;
        chunks.push(buffer);
        size += buffer.length;
        if (size >= limit) break;
      }
    } catch (error) {
      const failure = this.failureOf(inFlight, error, signal);
      // A cancel or timeout while reading the body ends the call; a broken body still has a status.
      if (failure.code === 'cancelled' || failure.code === 'timeout') return failure;
    } finally {
      clearTimeout(inFlight.idle);
      if (!response.complete) inFlight.request.destroy();
    }
    return mapHttpError(status, Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
  }

  private failureOf(inFlight: InFlight, error: unknown, signal: AbortSignal): ModelError {
    if (inFlight.failure) return inFlight.failure;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      return ModelError.is(reason) ? reason : new ModelError('cancelled', 'the model call was aborted', { cause: reason });
    }
    return mapTransportError(error, this.baseUrl);
  }
}

function fail(inFlight: InFlight, failure: ModelError): void {
  inFlight.failure ??= failure;
  inFlight.request.destroy(failure);
}

/** The number of entries over an agent's per-origin lists (`sockets`, `freeSockets`, `requests`). */
function countAll(lists: NodeJS.ReadOnlyDict<readonly unknown[]>): number {
  let count = 0;
  for (const list of Object.values(lists)) count += list?.length ?? 0;
  return count;
}
