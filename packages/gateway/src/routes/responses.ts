import { TERMINAL_RESPONSE_STATUSES } from '@agentport/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import { contextLengthExceeded, invalidRequest, notFound, upstreamFailed } from '../errors.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { parsePageQuery, parseSequenceNumber, toListBody } from '../http/page-query.js';
import { takeRunSlotWhileConnected } from '../http/run-slot.js';
import { SseWriter } from '../http/sse-writer.js';
import { cancelOnDisconnect } from '../http/client-connection.js';
import { parseCreateResponse } from '../request/parse-create-response.js';
import type { RunHandle } from '../responses/response-runner.js';
import { cancelElsewhere, followStoredEvents } from '../responses/remote-response.js';
import { readStoredResponse } from '../responses/stored-response-reader.js';
import { isUpstreamFailure } from '../responses/upstream-failure.js';

type IdParams = { Params: { id: string } };

/** `/v1/responses`: create (JSON or SSE), retrieve (or replay), delete, cancel, input items. */
export function registerResponseRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.post('/responses', async (request, reply) => {
    const params = parseCreateResponse(request.body, ctx.parseOptions, request.headers.host);
    if (params.ignoredToolTypes.length > 0) {
      request.log.info({ toolTypes: params.ignoredToolTypes }, 'tool types no provider serves were left out of the model\'s tools');
    }
    const release = await takeRunSlotWhileConnected(ctx, request.apiKeyId, reply);
    if (params.stream) return streamResponse(ctx, request, reply, params, release);

    let handle: RunHandle;
    try {
      handle = await ctx.runner.start(request.tenant, params, { logger: request.log, traceParent: { kind: 'remote', headers: request.headers } });
    } catch (error) {
      release();
      throw error;
    }
    void handle.done.finally(release);
    if (params.background) return reply.send(handle.initial);
    cancelOnDisconnect(reply, handle);
    const response = await handle.done;
    if (response.status === 'failed' && response.error && isUpstreamFailure(response.error.code) && response.output.length === 0) {
      // The request, not the server, is at fault when it does not fit the model's window.
      if (response.error.code === 'context_length_exceeded') throw contextLengthExceeded(response.error.message);
      throw upstreamFailed(response.error.code, response.error.message);
    }
    return reply.send(response);
  });

  app.get<IdParams & { Querystring: { stream?: string; starting_after?: string } }>('/responses/:id', async (request, reply) => {
    const { id } = request.params;
    if (request.query.stream === 'true') return replayResponse(ctx, request, reply, id, parseSequenceNumber(request.query.starting_after, 'starting_after'));
    const response = await readStoredResponse(ctx.store, request.tenant, id);
    if (!response) throw notFound('response', id);
    return reply.send(response);
  });

  app.delete<IdParams>('/responses/:id', async (request, reply) => {
    const { id } = request.params;
    const live = ctx.active.get(request.tenant, id);
    if (live) {
      live.abort.abort();
      await live.whenFinished();
    } else if (ctx.signals.reach === 'shared') {
      // It may run in another process: stop it there before its rows go.
      const record = await ctx.store.getResponse(request.tenant, id);
      if (record && !TERMINAL_RESPONSE_STATUSES.has(record.status)) await cancelElsewhere(ctx, request.tenant, id);
    }
    if (!(await ctx.store.deleteResponse(request.tenant, id))) throw notFound('response', id);
    return reply.send({ id, object: 'response', deleted: true });
  });

  app.post<IdParams>('/responses/:id/cancel', async (request, reply) => {
    const { id } = request.params;
    const record = await ctx.store.getResponse(request.tenant, id);
    if (!record) throw notFound('response', id);
    if (!record.background) throw invalidRequest(null, 'Only responses created with background set to true can be cancelled.', 'not_background');
    const live = ctx.active.get(request.tenant, id);
    if (live && !live.isFinished) {
      live.abort.abort();
      await live.whenFinished();
    } else if (!TERMINAL_RESPONSE_STATUSES.has(record.status) && !(await cancelElsewhere(ctx, request.tenant, id))) {
      // Left running by a process that is gone: nothing will end it but this.
      await ctx.store.updateResponse(request.tenant, id, { status: 'cancelled', completedAt: Math.floor(Date.now() / 1000) });
    }
    return reply.send(await readStoredResponse(ctx.store, request.tenant, id));
  });

  app.get<IdParams>('/responses/:id/input_items', async (request, reply) => {
    const page = await ctx.store.listResponseItems(request.tenant, request.params.id, 'input', parsePageQuery(request.query));
    if (!page) throw notFound('response', request.params.id);
    return reply.send(toListBody(page));
  });
}

async function streamResponse(
  ctx: GatewayContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: ReturnType<typeof parseCreateResponse>,
  release: () => void,
): Promise<void> {
  const sse = new SseWriter(reply.raw);
  let opened = false;
  const openOnce = () => {
    if (opened) return;
    opened = true;
    void reply.hijack();
    sse.open();
  };
  let handle: RunHandle;
  try {
    // Headers go out with the first event, so a bad reference is still a plain 4xx.
    handle = await ctx.runner.start(request.tenant, params, {
      logger: request.log,
      traceParent: { kind: 'remote', headers: request.headers },
      sink: (event: ResponseStreamEvent, json) => {
        openOnce();
        return sse.send(event, json);
      },
    });
  } catch (error) {
    release();
    throw error;
  }
  if (!params.background) cancelOnDisconnect(reply, handle);
  await handle.done;
  release();
  openOnce();
  sse.end();
}

async function replayResponse(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply, id: string, after: number): Promise<void> {
  // A running `store: false` response is not there for a follower, as it is not for a GET.
  const running = ctx.active.get(request.tenant, id);
  const live = running?.followable ? running : undefined;
  const stored = live ? undefined : await ctx.store.readEvents(request.tenant, id, after);
  if (!live && !stored) throw notFound('response', id);
  void reply.hijack();
  const sse = new SseWriter(reply.raw);
  sse.open();
  if (live) {
    // Events are queued and written in order; `send` waits for a slow reader.
    const queue: ResponseStreamEvent[] = [];
    let wake: (() => void) | undefined;
    const stop = live.follow((event) => { queue.push(event); wake?.(); }, Math.max(after, live.resumedAfter));
    try {
      // A resumed response: what the process before told is in the event log.
      if (after < live.resumedAfter) {
        for (const event of await ctx.store.readEvents(request.tenant, id, after) ?? []) {
          if (event.sequenceNumber > live.resumedAfter || sse.isClosed) break;
          await sse.send(event.data as unknown as ResponseStreamEvent);
        }
      }
      while (!sse.isClosed) {
        while (queue.length > 0) await sse.send(queue.shift()!);
        if (live.isFinished && queue.length === 0) break;
        await Promise.race([new Promise<void>((resolve) => { wake = resolve; }), live.whenFinished()]);
        wake = undefined;
      }
    } finally {
      stop();
    }
  } else {
    try {
      await followStoredEvents(ctx, request.tenant, id, stored!, sse);
    } catch (error) {
      // The store failed mid-follow: the client gets the stream's end, not a hung connection.
      request.log.warn({ responseId: id, error: String(error) }, 'following a response from the event log failed');
    }
  }
  sse.end();
}
