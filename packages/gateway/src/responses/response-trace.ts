import { type SpanParent, type TraceSpan, type Tracer, usageAttributes } from '@agentport/core';
import type { ResponseObject } from '../encoder/response-object.js';

export interface ResponseSpanStart {
  agentName: string;
  model: string;
  tenant: string;
  responseId: string;
  conversationId: string | null;
  background: boolean;
  /** The caller's trace context (its `traceparent` header), or none: the span starts a trace. */
  parent?: SpanParent;
}

/**
 * A response's span, `invoke_agent {agent}` in the GenAI conventions' words, of kind server:
 * it is where a caller's request enters this service. Its model and tool calls are its children.
 */
export function startResponseSpan(tracer: Tracer, start: ResponseSpanStart): TraceSpan {
  return tracer.startSpan(`invoke_agent ${start.agentName}`, {
    kind: 'server',
    ...(start.parent ? { parent: start.parent } : {}),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': start.agentName,
      'gen_ai.request.model': start.model,
      'gen_ai.response.id': start.responseId,
      'gen_ai.conversation.id': start.conversationId ?? undefined,
      'agentport.tenant': start.tenant,
      'agentport.response.background': start.background,
    },
  });
}

/** Ends a response's span with its status and its usage summed over every step; a failed one carries its error code. */
export function endResponseSpan(span: TraceSpan, response: ResponseObject): void {
  if (!span.recording) return;
  const usage = response.usage;
  span.setAttributes({
    'agentport.response.status': response.status,
    ...(response.incomplete_details ? { 'agentport.response.incomplete_reason': response.incomplete_details.reason } : {}),
    ...(usage ? usageAttributes({
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      totalTokens: usage.total_tokens,
      cachedInputTokens: usage.input_tokens_details?.cached_tokens,
      reasoningTokens: usage.output_tokens_details?.reasoning_tokens,
    }) : {}),
  });
  if (response.status === 'failed' && response.error) span.fail(response.error.code, response.error.message);
  span.end();
}
