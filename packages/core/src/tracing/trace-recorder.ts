import type { SpanEnding, SpanRecord } from './span-record.js';
import type { SpanAttributes, SpanOptions, TraceSpan } from './tracer.js';

interface OpenRecord {
  record: SpanRecord;
  /** `performance.now()` at the start: durations from a monotonic clock. */
  startedAtMono: number;
}

/**
 * Keeps one response's spans as records while they also go to the tracer's span (inert when
 * OpenTelemetry is off): what the store keeps for the trace viewer. The root wraps the
 * response's span; every child made from it is recorded too. A span costs one record; nothing
 * happens per token.
 */
export class TraceRecorder {
  readonly #spans: OpenRecord[] = [];
  /** The response's span, recorded: hand it to the run in place of the tracer's. */
  readonly root: TraceSpan;

  constructor(inner: TraceSpan, name: string, options: Omit<SpanOptions, 'parent'>) {
    this.root = this.#wrap(inner, null, name, options);
  }

  /**
   * Copies of the records as they are now; an open span's duration is its time so far. `rootEnding`
   * closes the root in the copy (the response's last write comes before its span ends).
   */
  snapshot(rootEnding?: SpanEnding): SpanRecord[] {
    const now = performance.now();
    return this.#spans.map(({ record, startedAtMono }, index) => {
      const copy: SpanRecord = { ...record, attributes: { ...record.attributes } };
      if (!copy.ended) copy.durationMs = now - startedAtMono;
      if (index === 0 && rootEnding && !copy.ended) {
        assign(copy, rootEnding.attributes);
        if (rootEnding.error) copy.error = { ...rootEnding.error };
        copy.ended = true;
      }
      return copy;
    });
  }

  #wrap(inner: TraceSpan, parentId: string | null, name: string, options: Omit<SpanOptions, 'parent'>): TraceSpan {
    const record: SpanRecord = {
      id: `s${this.#spans.length + 1}`, parentId, name, kind: options.kind,
      startedAt: Date.now(), durationMs: 0, ended: false, attributes: {}, error: null,
    };
    const startedAtMono = performance.now();
    if (options.attributes) assign(record, options.attributes);
    this.#spans.push({ record, startedAtMono });
    const span: TraceSpan = {
      recording: true,
      setAttributes: (attributes) => {
        assign(record, attributes);
        inner.setAttributes(attributes);
      },
      fail: (code, message) => {
        record.error = { code, message };
        inner.fail(code, message);
      },
      end: () => {
        if (record.ended) return;
        record.ended = true;
        record.durationMs = performance.now() - startedAtMono;
        inner.end();
      },
      child: (childName: string, childOptions: Omit<SpanOptions, 'parent'>) =>
        this.#wrap(inner.child(childName, childOptions), record.id, childName, childOptions),
      propagationHeaders: () => inner.propagationHeaders(),
    };
    return span;
  }
}

function assign(record: SpanRecord, attributes: SpanAttributes): void {
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) record.attributes[key] = value;
}
