import { type SpanEnding, type SpanOptions, type SpanParent, type TraceSpan, TraceRecorder, type Tracer, usageAttributes } from '@agentport/core';
import type { ResponseObject } from '../encoder/response-object.js';

export interface ResponseSpanStart {
  agentName: string;
  model: string;
  tenant: string;
  responseId: string;
  conversationId: string | null;
  background: boolean;
  /** Items of history before the response, and of its input: with the model calls' counts, they say what each call was sent. */
  historyItems: number;
  inputItems: number;
  /** The caller's trace context (its `traceparent` header), or none: the span starts a trace. */
  parent?: SpanParent;
}

/** A response's span and, with the trace viewer on, the recorder that keeps it and its children for the store. */
export interface ResponseSpan {
  span: TraceSpan;
  recorder: TraceRecorder | undefined;
}

/**
 * A response's span, `invoke_agent {agent}` in the GenAI conventions' words, of kind server:
 * it is where a caller's request enters this service. Its model and tool calls are its children.
 * With `record`, the spans are also kept (`TraceRecorder`) for the trace viewer, their ids after `idPrefix`.
 */
export function startResponseSpan(tracer: Tracer, start: ResponseSpanStart, record: boolean, idPrefix = ''): ResponseSpan {
  const name = `invoke_agent ${start.agentName}`;
  const options: Omit<SpanOptions, 'parent'> = {
    kind: 'server',
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': start.agentName,
      'gen_ai.request.model': start.model,
      'gen_ai.response.id': start.responseId,
      'gen_ai.conversation.id': start.conversationId ?? undefined,
      'agentport.tenant': start.tenant,
      'agentport.response.background': start.background,
      'agentport.request.history_items': start.historyItems,
      'agentport.request.input_items': start.inputItems,
    },
  };
  const span = tracer.startSpan(name, { ...options, ...(start.parent ? { parent: start.parent } : {}) });
  if (!record) return { span, recorder: undefined };
  const recorder = new TraceRecorder(span, name, options, idPrefix);
  return { span: recorder.root, recorder };
}

/** Ends a response's span with its status and its usage summed over every step; a failed one carries its error code. */
export function endResponseSpan(span: TraceSpan, response: ResponseObject): void {
  if (!span.recording) return;
  const ending = responseSpanEnding(response);
  span.setAttributes(ending.attributes);
  if (ending.error) span.fail(ending.error.code, ending.error.message);
  span.end();
}

/** What a response's end sets on its span. */
export function responseSpanEnding(response: ResponseObject): SpanEnding {
  const usage = response.usage;
  return {
    attributes: {
      'agentport.response.status': response.status,
      ...(response.incomplete_details ? { 'agentport.response.incomplete_reason': response.incomplete_details.reason } : {}),
      ...(usage ? usageAttributes({
        inputTokens: usage.input_tokens,
        outputTokens: usage.output_tokens,
        totalTokens: usage.total_tokens,
        cachedInputTokens: usage.input_tokens_details?.cached_tokens,
        reasoningTokens: usage.output_tokens_details?.reasoning_tokens,
      }) : {}),
    },
    ...(response.status === 'failed' && response.error ? { error: { code: response.error.code, message: response.error.message } } : {}),
  };
}
