import type { IAgentModel } from '../model/agent-model.js';
import type { ModelRequest } from '../model/model-request.js';
import type { ModelFinishReason } from '../model/model-stream-event.js';
import type { ModelUsage } from '../model/model-usage.js';
import { modelCallSpan, usageAttributes } from '../tracing/gen-ai-attributes.js';
import type { SpanAttributes, TraceSpan } from '../tracing/tracer.js';

/**
 * One model call's span (`chat {model}`): opened before the call, told of the first chunk
 * (`gen_ai.response.time_to_first_chunk`), ended with the usage and the finish reason or the
 * error's code. Its trace context goes to the provider as headers. Per chunk it costs one check.
 */
export class ModelCallTrace {
  private firstChunkSeen = false;
  private ended = false;
  private readonly startedAt = performance.now();
  readonly headers: Readonly<Record<string, string>>;

  private constructor(private readonly span: TraceSpan) {
    this.headers = span.propagationHeaders();
  }

  /** Undefined when the run is not traced: the step then does nothing for tracing at all. */
  static start(model: IAgentModel, request: ModelRequest, parent: TraceSpan | undefined, more?: SpanAttributes): ModelCallTrace | undefined {
    if (!parent?.recording) return undefined;
    const { name, attributes } = modelCallSpan(model, request);
    return new ModelCallTrace(parent.child(name, { kind: 'client', attributes: more ? { ...attributes, ...more } : attributes }));
  }

  chunk(): void {
    if (this.firstChunkSeen) return;
    this.firstChunkSeen = true;
    this.span.setAttributes({ 'gen_ai.response.time_to_first_chunk': (performance.now() - this.startedAt) / 1000 });
  }

  /** Ends the span; once (later calls, such as the step's `finally` after its own end, do nothing). */
  end(usage: ModelUsage, error?: { code: string; message: string }, reason?: ModelFinishReason): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttributes({ ...usageAttributes(usage), ...(reason ? { 'gen_ai.response.finish_reasons': [reason] } : {}) });
    if (error) this.span.fail(error.code, error.message);
    this.span.end();
  }
}
