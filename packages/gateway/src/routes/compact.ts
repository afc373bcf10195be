import { type Item, ModelError, newId } from '@agentport/core';
import type { FastifyInstance } from 'fastify';
import { OutputItemPresenter } from '../encoder/output-item-presenter.js';
import { type ResponseUsage, toResponseUsage } from '../encoder/response-object.js';
import { ToolNameMap } from '../codex/tool-name-map.js';
import { contextLengthExceeded, upstreamFailed } from '../errors.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { parseCreateResponse } from '../request/parse-create-response.js';

/** `POST /v1/responses/compact`'s answer (the spec's CompactResource). */
export interface CompactedResponseObject {
  id: string;
  object: 'response.compaction';
  created_at: number;
  /** The user's messages, then one compaction item standing for everything else. */
  output: Item[];
  usage: ResponseUsage;
}

/**
 * `POST /v1/responses/compact`: the conversation of a create body (`input`, `previous_response_id`
 * or `conversation`, `instructions`; `model` required) summarised by the model into one
 * `compaction` item whose `encrypted_content` the gateway sealed. Sent as input to a later
 * response, over HTTP or WebSocket, it stands for what it summarised. Nothing is stored and no
 * run slot is taken; the prompt is the gateway's `compactionPrompt`.
 */
export function registerCompactRoute(app: FastifyInstance, ctx: GatewayContext): void {
  app.post('/responses/compact', async (request, reply) => {
    const params = parseCreateResponse(request.body, ctx.parseOptions, request.headers.host);
    const abort = new AbortController();
    const onClose = () => { if (!reply.raw.writableFinished) abort.abort(); };
    reply.raw.once('close', onClose);
    try {
      const { compacted, result } = await ctx.runner.compact(request.tenant, params, ctx.config.compactionPrompt || undefined, abort.signal);
      const presenter = new OutputItemPresenter(ToolNameMap.fromDeclaredTools([]), undefined, false, ctx.parseOptions.compactionSeal);
      const userMessages = compacted.filter((item) => item.type === 'message' && item.role === 'user');
      const body: CompactedResponseObject = {
        id: newId('response'),
        object: 'response.compaction',
        created_at: Math.floor(Date.now() / 1000),
        output: [...userMessages, presenter.present(result.item)],
        usage: toResponseUsage(result.usage),
      };
      return reply.send(body);
    } catch (error) {
      if (!ModelError.is(error)) throw error;
      if (error.code === 'context_length_exceeded') throw contextLengthExceeded(error.message);
      throw upstreamFailed(error.code, `Could not compact the conversation: ${error.message}`);
    } finally {
      reply.raw.off('close', onClose);
    }
  });
}
