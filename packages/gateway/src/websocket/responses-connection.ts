import type { Item, Logger } from '@agentport/core';
import type { RawData, WebSocket } from 'ws';
import { ApiError, invalidRequest, notFound, shuttingDown } from '../errors.js';
import { takeRunSlot } from '../http/run-slot.js';
import type { CallerIdentity } from '../http/caller-identity.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { ResponseObject } from '../encoder/response-object.js';
import type { CreateResponseParams } from '../request/create-response-params.js';
import { parseCreateResponse } from '../request/parse-create-response.js';
import type { RunHandle } from '../responses/response-runner.js';
import { type CancelFrame, type CreateFrame, parseClientFrame, type ToolResultFrame } from './client-frame.js';
import { CLOSE_CODES } from './close-codes.js';
import { ConnectionToolBridge } from './connection-tool-bridge.js';
import { asApiError, toErrorFrame } from './error-frame.js';
import { FrameSender } from './frame-sender.js';
import { prewarmResponse } from './prewarm-response.js';
import type { Corkable } from './turn-cork.js';
import { UnstoredResponses } from './unstored-responses.js';

/**
 * Who the upgrade request authenticated as (every response on the connection is theirs), the
 * `Host` it came to (for `mcp` tools naming this gateway's own `/v1/mcp`), and its trace context
 * (each response on the connection continues the trace of the upgrade).
 */
export type ConnectionIdentity = CallerIdentity & {
  host: string | undefined;
  traceHeaders?: { traceparent?: string | string[] | undefined; tracestate?: string | string[] | undefined };
};

/** The `response.create` being worked on: its run once started, and whether a cancel came first. */
interface CurrentRequest {
  streamId: string | undefined;
  cancelled: boolean;
  handle?: RunHandle;
  bridge?: ConnectionToolBridge;
  /** Aborted when the connection closes while the request waits for a place to run. */
  waiting?: AbortController;
}

/**
 * One client on `/v1/responses` over WebSocket. Frames in: `response.create` (queued, run one
 * at a time in arrival order), `response.cancel`, `response.processed`, `tool_result.submit`.
 * Frames out: each Responses event of the running response, and error frames that leave the
 * connection open. Closing (by the client, a dead peer, a slow reader or shutdown) cancels
 * the running response and drops the queue.
 */
export class ResponsesConnection {
  private readonly queue: CreateFrame[] = [];
  private current: CurrentRequest | undefined;
  private readonly unstored: UnstoredResponses;
  private readonly sender: FrameSender;
  /**
   * `draining`: the server shuts down or the connection reached its lifetime limit; the running
   * response may finish, nothing new starts (`drain` says why and how the socket then closes).
   */
  private state: 'open' | 'draining' | 'closing' | 'closed' = 'open';
  private drain: Drain = SHUTDOWN_DRAIN;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly lifetimeTimer: NodeJS.Timeout;
  /** The connection's lines carry its tenant and the upgrade's request id. */
  private readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    /** The socket the upgrade came on, under `ws`. */
    socket: Corkable,
    private readonly ctx: GatewayContext,
    private readonly identity: ConnectionIdentity,
    requestId: string,
  ) {
    const { config } = ctx;
    this.log = ctx.logger.child({ reqId: requestId, tenant: identity.tenant });
    this.unstored = new UnstoredResponses(config.wsMaxUnstoredResponses);
    this.sender = new FrameSender(ws, socket, { maxBufferedBytes: config.wsMaxBufferedBytes, slowReaderGraceMs: config.wsSlowReaderGraceMs }, () => {
      this.log.warn('closing a WebSocket whose client does not read its events');
      this.close(CLOSE_CODES.policyViolation, 'send buffer limit exceeded: the client did not read its events in time');
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
    // Protocol errors (a frame over the size limit, bad framing): `ws` closes the socket itself.
    ws.on('error', (error) => this.log.debug({ error: String(error) }, 'WebSocket error'));
    this.lifetimeTimer = setTimeout(() => this.expire(), config.wsMaxConnectionMs);
    this.lifetimeTimer.unref();
  }

  /** The server shuts down: the running response may finish (the gateway cancels it after its grace), queued ones are refused. */
  shutdown(): void {
    if (this.state !== 'open') return;
    this.startDraining(SHUTDOWN_DRAIN);
    // A request still being checked was not running yet: it starts cancelled, so it ends at once.
    if (this.current && !this.current.handle) this.current.cancelled = true;
  }

  /**
   * The connection reached `wsMaxConnectionMs` (the spec's 60 minutes): the running response
   * finishes, then the client is told why (`websocket_connection_limit_reached`) and the socket
   * closes normally; queued and later requests get that error too. A client reconnects and
   * continues there.
   */
  private expire(): void {
    if (this.state !== 'open') return;
    const minutes = Math.round(this.ctx.config.wsMaxConnectionMs / 60_000);
    const limit = minutes >= 1 ? `${minutes} minutes` : `${this.ctx.config.wsMaxConnectionMs} ms`;
    this.startDraining({
      error: () => new ApiError(400, 'invalid_request_error', 'websocket_connection_limit_reached',
        `Responses WebSocket connection limit reached (${limit}). Create a new WebSocket connection to continue.`),
      closeCode: CLOSE_CODES.normal,
      closeReason: 'connection lifetime limit reached',
      announce: true,
    });
  }

  private startDraining(drain: Drain): void {
    this.state = 'draining';
    this.drain = drain;
    for (const frame of this.queue.splice(0)) this.sendError(drain.error(), frame.streamId);
    if (!this.current) this.closeDrained();
  }

  private closeDrained(): void {
    if (this.drain.announce) this.sendError(this.drain.error());
    this.close(this.drain.closeCode, this.drain.closeReason);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state !== 'open' && this.state !== 'draining') return;
    if (isBinary) {
      this.sendError(invalidRequest(null, 'Binary frames are not supported: send JSON text frames.', 'binary_frame_not_supported'));
      return;
    }
    let frame;
    try {
      frame = parseClientFrame(rawText(data));
    } catch (error) {
      this.sendError(asApiError(error));
      return;
    }
    switch (frame.type) {
      case 'response.create':
        this.enqueue(frame);
        return;
      case 'response.cancel':
        this.cancel(frame);
        return;
      case 'response.processed':
        return;
      case 'tool_result.submit':
        this.submitToolResult(frame);
        return;
    }
  }

  private enqueue(frame: CreateFrame): void {
    if (this.state === 'draining') {
      this.sendError(this.drain.error(), frame.streamId);
      return;
    }
    // Only requests behind a running one wait here: an idle connection starts the request at once.
    if (this.current && this.queue.length >= this.ctx.config.wsMaxQueuedRequests) {
      const message = `Too many requests queued on this connection (at most ${this.ctx.config.wsMaxQueuedRequests} behind the running one).`;
      this.sendError(new ApiError(429, 'rate_limit_error', 'queue_full', message, null, { 'retry-after': '1' }), frame.streamId);
      return;
    }
    this.queue.push(frame);
    void this.pump();
  }

  /** Runs queued requests one after the other, while the connection is open. */
  private async pump(): Promise<void> {
    while (!this.current && this.queue.length > 0 && this.state === 'open') {
      const frame = this.queue.shift()!;
      const current: CurrentRequest = { streamId: frame.streamId, cancelled: false };
      this.current = current;
      try {
        await this.handleCreate(frame, current);
      } catch (error) {
        if (!ApiError.is(error)) this.log.error({ error: String(error) }, 'a WebSocket request failed');
        const apiError = asApiError(error);
        this.evictOnFailedContinuation(frame.body.previous_response_id, apiError);
        this.sendError(apiError, frame.streamId);
      } finally {
        this.current = undefined;
      }
    }
    if (this.state === 'draining' && !this.current) this.closeDrained();
  }

  /**
   * A continuation that failed evicts the unstored response it continued (the spec's WebSocket
   * mode: stale local state is not reused). Refusals that say nothing about it (limits, a
   * shutdown, the id itself unknown) leave it.
   */
  private evictOnFailedContinuation(previousResponseId: unknown, error: ApiError | 'failed'): void {
    if (typeof previousResponseId !== 'string' || !this.unstored.has(previousResponseId)) return;
    if (error !== 'failed' && (error.status === 429 || error.status === 503 || error.code === 'previous_response_not_found')) return;
    this.unstored.evict(previousResponseId, 'a turn continuing it failed');
  }

  private async handleCreate(frame: CreateFrame, current: CurrentRequest): Promise<void> {
    const { ctx, identity } = this;
    await ctx.rateLimiter.take(identity.apiKeyId);
    const params = parseCreateResponse(frame.body, ctx.parseOptions, identity.host);
    params.stream = true;
    if (params.ignoredToolTypes.length > 0) {
      this.log.info({ toolTypes: params.ignoredToolTypes }, 'tool types no provider serves were left out of the model\'s tools');
    }
    const history = params.previousResponseId
      ? await this.unstored.loadHistory(ctx.store, identity.tenant, params.previousResponseId)
      : undefined;
    if (!frame.generate) {
      await this.prewarm(params, history !== undefined, frame.streamId);
      return;
    }
    // The client left while the request was being checked: nobody would see the run.
    if (this.state === 'closing' || this.state === 'closed') return;
    current.waiting = new AbortController();
    let release: () => void;
    try {
      release = await takeRunSlot(ctx, identity.apiKeyId, current.waiting.signal);
    } catch (error) {
      // The connection closed while the request waited: nobody is left to tell.
      if (current.waiting.signal.aborted) return;
      throw error;
    }
    try {
      const bridge = frame.clientToolLoop
        ? new ConnectionToolBridge(new Set(params.functionTools.map((tool) => tool.name)), ctx.config.wsToolResultTimeoutMs)
        : undefined;
      current.bridge = bridge;
      const handle = await ctx.runner.start(identity.tenant, params, {
        extensions: frame.clientToolLoop,
        ...(identity.traceHeaders ? { traceParent: { kind: 'remote', headers: identity.traceHeaders } } : {}),
        logger: this.log,
        ...(history ? { history } : {}),
        ...(bridge ? { clientTools: bridge } : {}),
        sink: (event, json) => {
          bridge?.observe(event);
          return this.sender.sendEvent(event, frame.streamId, json);
        },
        onFinished: (response, output, input) => this.keepUnstored(params, input, response, output),
      });
      current.handle = handle;
      // A cancel or a close that came while the request was being checked and stored.
      if (current.cancelled) handle.live.abort.abort();
      await handle.done;
    } finally {
      release();
    }
  }

  private async prewarm(params: CreateResponseParams, previousIsUnstored: boolean, streamId: string | undefined): Promise<void> {
    const { ctx, identity } = this;
    await ctx.agents.resolve(params.model);
    if (params.previousResponseId && !previousIsUnstored && !(await ctx.store.getResponse(identity.tenant, params.previousResponseId))) {
      throw invalidRequest('previous_response_id', `Previous response with id '${params.previousResponseId}' not found.`, 'previous_response_not_found');
    }
    if (params.conversationId && !(await ctx.store.getConversation(identity.tenant, params.conversationId))) {
      throw notFound('conversation', params.conversationId, 'conversation');
    }
    const { response, events, input } = await prewarmResponse(ctx.store, identity.tenant, params);
    this.keepUnstored(params, input, response, []);
    for (const event of events) await this.sender.sendEvent(event, streamId);
  }

  /**
   * A completed `store: false` response stays in this connection's memory, for later turns on
   * it; one that ended otherwise is evicted, and a failed one evicts the response it continued.
   */
  private keepUnstored(params: CreateResponseParams, input: readonly Item[], response: ResponseObject, output: Item[]): void {
    if (this.state === 'closed') return;
    if (response.status === 'failed') this.evictOnFailedContinuation(params.previousResponseId, 'failed');
    if (params.store) return;
    if (response.status !== 'completed') {
      this.unstored.evict(response.id, response.status === 'cancelled' ? 'it was cancelled' : `it ended ${response.status}`);
      return;
    }
    this.unstored.add({ id: response.id, previousResponseId: params.previousResponseId, items: [...input, ...output] });
  }

  private cancel(frame: CancelFrame): void {
    const current = this.current;
    // Nothing running, or another response: it may just have ended, which is no error.
    if (!current) return;
    if (frame.responseId !== undefined && frame.responseId !== current.handle?.id) return;
    current.cancelled = true;
    current.handle?.live.abort.abort();
  }

  private submitToolResult(frame: ToolResultFrame): void {
    const current = this.current;
    const responseId = frame.responseId ?? current?.handle?.id;
    if (!current?.handle || !current.bridge || responseId !== current.handle.id) {
      this.sendError(notFound('response', responseId ?? '(none)', 'response_id'));
      return;
    }
    const outcome = current.bridge.submit(frame.callId, frame.output);
    if (outcome === 'unknown_call') {
      this.sendError(invalidRequest('call_id', `Response '${responseId}' has no client tool call '${frame.callId}' waiting for a result.`, 'tool_call_not_found'), current.streamId);
    } else if (outcome === 'already_submitted') {
      this.sendError(invalidRequest('call_id', `The result of tool call '${frame.callId}' was already submitted.`, 'tool_result_already_submitted'), current.streamId);
    }
  }

  private sendError(error: ApiError, streamId?: string): void {
    this.sender.sendError(toErrorFrame(error, streamId));
  }

  private abortCurrent(): void {
    const current = this.current;
    if (!current) return;
    current.cancelled = true;
    current.waiting?.abort();
    current.handle?.live.abort.abort();
  }

  /** Sends a close frame; a peer that does not answer it in time is cut off. */
  private close(code: number, reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.queue.length = 0;
    this.abortCurrent();
    this.ws.close(code, reason);
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.ctx.config.wsCloseTimeoutMs);
    this.closeTimer.unref();
  }

  /** The socket is gone: the running response and its upstream call are cancelled, the rest forgotten. */
  private onClosed(): void {
    this.state = 'closed';
    clearTimeout(this.closeTimer);
    clearTimeout(this.lifetimeTimer);
    this.queue.length = 0;
    this.abortCurrent();
    this.unstored.clear();
  }
}

/** Why a connection stops taking requests: the error that answers them, and how the socket then closes. */
interface Drain {
  error: () => ApiError;
  closeCode: number;
  closeReason: string;
  /** Whether the client is sent `error` before the close, though it asked nothing. */
  announce: boolean;
}

const SHUTDOWN_DRAIN: Drain = {
  error: () => shuttingDown(),
  closeCode: CLOSE_CODES.goingAway,
  closeReason: 'server shutting down',
  announce: false,
};

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
