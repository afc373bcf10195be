import type { SpanAttributes, SpanAttributeValue, SpanKind, SpanOptions, TraceSpan, Tracer } from '../tracing/tracer.js';

/** A span as the recording tracer kept it. */
export interface RecordedSpan {
  name: string;
  kind: SpanKind;
  /** `span_<n>`, in the order spans started. */
  id: string;
  /** The parent span's id; for a remote parent, its `traceparent` header; undefined for a root. */
  parentId: string | undefined;
  attributes: Record<string, SpanAttributeValue>;
  error?: { code: string; message: string };
  ended: boolean;
}

/**
 * A `Tracer` that keeps every span in memory, for tests of code that traces: what a test
 * would otherwise read from an OpenTelemetry collector. Its propagation headers are
 * `traceparent: <span id>`, so a test can see which span a call out carried.
 */
export class RecordingTracer implements Tracer {
  readonly spans: RecordedSpan[] = [];

  startSpan(name: string, options: SpanOptions): TraceSpan {
    const parent = options.parent;
    const parentId = parent === undefined ? undefined : parent.kind === 'span' ? parent.span.propagationHeaders().traceparent : headerOf(parent.headers.traceparent);
    const record: RecordedSpan = { name, kind: options.kind, id: `span_${this.spans.length + 1}`, parentId, attributes: {}, ended: false };
    this.spans.push(record);
    const span: TraceSpan = {
      recording: true,
      setAttributes: (attributes) => assign(record, attributes),
      fail: (code, message) => { record.error = { code, message }; },
      end: () => {
        if (record.ended) throw new Error(`span ${record.name} (${record.id}) ended twice`);
        record.ended = true;
      },
      child: (childName, childOptions) => this.startSpan(childName, { ...childOptions, parent: { kind: 'span', span } }),
      propagationHeaders: () => ({ traceparent: record.id }),
    };
    if (options.attributes) assign(record, options.attributes);
    return span;
  }

  /** The spans named so, in start order. */
  named(prefix: string): RecordedSpan[] {
    return this.spans.filter((span) => span.name.startsWith(prefix));
  }
}

function assign(record: RecordedSpan, attributes: SpanAttributes): void {
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) record.attributes[key] = value;
}

function headerOf(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
