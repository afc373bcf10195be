import {
  type Context, ROOT_CONTEXT, type Span, SpanKind as OtelSpanKind, SpanStatusCode, type TextMapGetter, trace, type Tracer as OtelApiTracer,
  type Attributes,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanAttributes, SpanKind, SpanOptions, SpanParent, TraceSpan, Tracer } from '@agentport/core';

const KINDS: Record<SpanKind, OtelSpanKind> = { server: OtelSpanKind.SERVER, client: OtelSpanKind.CLIENT, internal: OtelSpanKind.INTERNAL };

/** Reads W3C trace context from request headers as Node gives them (a repeated header is an array). */
const HEADER_GETTER: TextMapGetter<Readonly<Record<string, string | readonly string[] | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key.toLowerCase()];
    return typeof value === 'string' ? value : value?.[0];
  },
};

/**
 * The tracing port on the OpenTelemetry API, with parents passed explicitly (no ambient
 * context: a run's work hops across async generators, where an ambient one is easily lost).
 * The caller's `traceparent` / `tracestate` start a response's span; a span's own are what a
 * call out carries on.
 */
export class OtelTracer implements Tracer {
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(private readonly tracer: OtelApiTracer) {}

  startSpan(name: string, options: SpanOptions): TraceSpan {
    const parent = this.parentContext(options.parent);
    const span = this.tracer.startSpan(name, { kind: KINDS[options.kind], ...(options.attributes ? { attributes: defined(options.attributes) } : {}) }, parent);
    return new OtelSpan(span, trace.setSpan(parent, span), this);
  }

  /** The W3C headers for a context, as a call out sends them. */
  headersOf(context: Context): Record<string, string> {
    const carrier: Record<string, string> = {};
    this.propagator.inject(context, carrier, { set: (target, key, value) => { target[key] = value; } });
    return carrier;
  }

  private parentContext(parent: SpanParent | undefined): Context {
    if (parent === undefined) return ROOT_CONTEXT;
    if (parent.kind === 'span') return parent.span instanceof OtelSpan ? parent.span.context : ROOT_CONTEXT;
    return this.propagator.extract(ROOT_CONTEXT, parent.headers, HEADER_GETTER);
  }
}

class OtelSpan implements TraceSpan {
  readonly recording: boolean;

  constructor(private readonly span: Span, readonly context: Context, private readonly tracer: OtelTracer) {
    this.recording = span.isRecording();
  }

  setAttributes(attributes: SpanAttributes): void {
    if (this.recording) this.span.setAttributes(defined(attributes));
  }

  fail(code: string, message: string): void {
    this.span.setAttribute('error.type', code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    this.span.end();
  }

  child(name: string, options: Omit<SpanOptions, 'parent'>): TraceSpan {
    return this.tracer.startSpan(name, { ...options, parent: { kind: 'span', span: this } });
  }

  propagationHeaders(): Record<string, string> {
    return this.tracer.headersOf(this.context);
  }
}

/** The attributes with a value: the conventions' optional ones are left out rather than sent empty. */
function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value as Attributes[string];
  return out;
}
