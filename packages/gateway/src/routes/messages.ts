import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contextLengthExceeded, upstreamFailed } from '../errors.js';
import { cancelOnDisconnect } from '../http/client-connection.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { takeRunSlotWhileConnected } from '../http/run-slot.js';
import { SseWriter } from '../http/sse-writer.js';
import { MessagesEventEncoder, toMessage } from '../messages/messages-event-encoder.js';
import { type MessagesRequest, parseMessagesRequest } from '../messages/messages-request.js';
import { parseCreateResponse } from '../request/parse-create-response.js';
import type { RunHandle } from '../responses/response-runner.js';
import { isUpstreamFailure } from '../responses/upstream-failure.js';
import { countInputTokens } from './input-tokens.js';

/**
 * Anthropic's Messages API over the same agents: `POST /v1/messages` (a `message`, or with
 * `stream: true` Anthropic's event stream) and `POST /v1/messages/count_tokens`. The key may come
 * as `x-api-key` or a bearer token; errors take Anthropic's shape. Nothing is stored.
 */
export function registerMessagesRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const signatureOpens = (signature: string) => ctx.reasoningSeal.open(signature) !== undefined;
  app.post('/messages', async (request, reply) => {
    const messages = parseMessagesRequest(request.body, { signatureOpens });
    const params = parseCreateResponse(messages.body, ctx.parseOptions, request.headers.host);
    const release = await takeRunSlotWhileConnected(ctx, request.apiKeyId, reply);
    let handle: RunHandle;
    const encoder = new MessagesEventEncoder(messages.model, messages.showThinking);
    const sse = messages.stream ? new SseWriter(reply.raw) : undefined;
    let opened = false;
    try {
      handle = await ctx.runner.start(request.tenant, params, {
        logger: request.log,
        traceParent: { kind: 'remote', headers: request.headers },
        ...(sse ? {
          // Headers go out with the first event, so a bad reference is still a plain 4xx.
          sink: (event) => {
            if (!opened) {
              opened = true;
              void reply.hijack();
              sse.open();
            }
            let pushback: Promise<void> | undefined;
            for (const out of encoder.encode(event)) pushback = sse.send(out) ?? pushback;
            return pushback;
          },
        } : {}),
      });
    } catch (error) {
      release();
      throw error;
    }
    cancelOnDisconnect(reply, handle);
    const response = await handle.done.finally(release);
    if (sse) {
      sse.end();
      return;
    }
    if (response.status === 'failed' && response.error) {
      if (response.error.code === 'context_length_exceeded') throw contextLengthExceeded(response.error.message);
      if (isUpstreamFailure(response.error.code)) throw upstreamFailed(response.error.code, response.error.message);
      throw upstreamFailed('server_error', `${response.error.code}: ${response.error.message}`);
    }
    return reply.send(toMessage(response, messages.model, messages.showThinking));
  });

  app.post('/messages/count_tokens', async (request: FastifyRequest, reply: FastifyReply) => {
    const messages: MessagesRequest = parseMessagesRequest(request.body, { counting: true, signatureOpens });
    const params = parseCreateResponse(messages.body, ctx.parseOptions, request.headers.host);
    return reply.send({ input_tokens: await countInputTokens(ctx, request.tenant, params, reply) });
  });
}
