/**
 * The tracing port: spans for what a run does (a response, its model calls, its tool calls),
 * named and attributed after the OpenTelemetry GenAI conventions by the code that makes them.
 * Core knows no tracing library; `@agentport/telemetry` implements the port on OpenTelemetry.
 * With no tracer bound, `NOOP_TRACER` makes spans that record nothing and cost next to nothing.
 */

/** Attribute values as OpenTelemetry takes them. */
export type SpanAttributeValue = string | number | boolean | readonly string[] | readonly number[];
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | undefined>>;

/** `server`: the entry of a call from outside; `client`: a call out (the model server); `internal`: work in the process (a tool). */
export type SpanKind = 'server' | 'client' | 'internal';

/** Where a span comes from: a span of this process, or the caller's trace context as the W3C headers carried it. */
export type SpanParent =
  | { readonly kind: 'span'; readonly span: TraceSpan }
  | { readonly kind: 'remote'; readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> };

export interface SpanOptions {
  kind: SpanKind;
  parent?: SpanParent;
  /** Set at the start: samplers may look at them. */
  attributes?: SpanAttributes;
}

/** One span, open until `end`. */
export interface TraceSpan {
  /** False for a span that records nothing (no tracer, or not sampled): skip work done only for it. */
  readonly recording: boolean;
  setAttributes(attributes: SpanAttributes): void;
  /** The operation failed: `code` becomes `error.type`, the span's status an error with `message`. */
  fail(code: string, message: string): void;
  end(): void;
  /** A child of this span. */
  child(name: string, options: Omit<SpanOptions, 'parent'>): TraceSpan;
  /** The headers that carry this span to a call out (`traceparent`, `tracestate`); empty when it records nothing and has no trace. */
  propagationHeaders(): Record<string, string>;
}

export interface Tracer {
  startSpan(name: string, options: SpanOptions): TraceSpan;
}

const NOOP_SPAN: TraceSpan = {
  recording: false,
  setAttributes: () => undefined,
  fail: () => undefined,
  end: () => undefined,
  child: () => NOOP_SPAN,
  propagationHeaders: () => ({}),
};

/** The tracer when none is bound: every span is the same inert one. */
export const NOOP_TRACER: Tracer = { startSpan: () => NOOP_SPAN };
