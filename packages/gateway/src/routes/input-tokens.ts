import { ModelError } from '@agentport/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { contextLengthExceeded, upstreamFailed } from '../errors.js';
import { whileConnected } from '../http/client-connection.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { CreateResponseParams } from '../request/create-response-params.js';
import { parseCreateResponse } from '../request/parse-create-response.js';

/**
 * `POST /v1/responses/input_tokens` (the openai SDK's `responses.inputTokens.count`): the body of
 * a create request, answered with the input tokens its first model call would take, as the
 * upstream's own tokenizer counts them (vLLM's `/tokenize`, same chat template and tools).
 * `model` may be left out when an upstream model is served: it means that one. Nothing is stored
 * and no run slot is taken; fields that only matter to a run (`stream`, `store`, …) are ignored.
 */
export function registerInputTokensRoute(app: FastifyInstance, ctx: GatewayContext): void {
  app.post('/responses/input_tokens', async (request, reply) => {
    const params = parseCreateResponse(withDefaultModel(request.body, ctx.agents.defaultModelName), ctx.parseOptions, request.headers.host);
    const inputTokens = await countInputTokens(ctx, request.tenant, params, reply);
    return reply.send({ object: 'response.input_tokens', input_tokens: inputTokens });
  });
}

/**
 * The input tokens of a request's first model call, as its agent's model counts them; the count
 * stops when the client leaves, and a model's failure is the API error it calls for. Shared with
 * Anthropic's `count_tokens`.
 */
export async function countInputTokens(ctx: GatewayContext, tenant: string, params: CreateResponseParams, reply: FastifyReply): Promise<number> {
  const connection = whileConnected(reply);
  try {
    return await ctx.runner.countInputTokens(tenant, params, connection.signal);
  } catch (error) {
    if (!ModelError.is(error)) throw error;
    if (error.code === 'context_length_exceeded') throw contextLengthExceeded(error.message);
    throw upstreamFailed(error.code, `Could not count the input tokens: ${error.message}`);
  } finally {
    connection.stop();
  }
}

function withDefaultModel(body: unknown, model: string | undefined): unknown {
  if (model === undefined || typeof body !== 'object' || body === null || Array.isArray(body) || 'model' in body) return body;
  return { ...body, model };
}
