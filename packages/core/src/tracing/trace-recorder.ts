import type { SpanEnding, SpanRecord } from './span-record.js';
import type { SpanAttributes, SpanOptions, TraceSpan } from './tracer.js';

interface OpenRecord {
  record: SpanRecord;
  /** `performance.now()` at the start: durations from a monotonic clock. */
  startedAtMono: number;
  /** Written to the store since it ended: it does not change again. */
  written: boolean;
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

  /** `idPrefix` keeps a later run's span ids apart from an earlier run's of the same response (a resumed one). */
  constructor(inner: TraceSpan, name: string, options: Omit<SpanOptions, 'parent'>, private readonly idPrefix = '') {
    this.root = this.#wrap(inner, null, name, options);
  }

  /**
   * Copies of every span as it is now; an open span's duration is its time so far. `rootEnding`
   * closes the root in the copy (the response's last write comes before its span ends).
   */
  snapshot(rootEnding?: SpanEnding): SpanRecord[] {
    const now = performance.now();
    return this.#spans.map((entry, index) => copyOf(entry, now, index === 0 ? rootEnding : undefined));
  }

  /**
   * The spans to write now: those open (as they are so far) and those ended since the last
   * write; an ended span is given once. Writing these at each write keeps the store's trace whole.
   */
  changes(rootEnding?: SpanEnding): SpanRecord[] {
    const now = performance.now();
    const changed: SpanRecord[] = [];
    this.#spans.forEach((entry, index) => {
      if (entry.written) return;
      const copy = copyOf(entry, now, index === 0 ? rootEnding : undefined);
      if (copy.ended) entry.written = true;
      changed.push(copy);
    });
    return changed;
  }

  /** A write of `changes` failed: the next `changes` gives every span again. */
  unwritten(): void {
    for (const entry of this.#spans) entry.written = false;
  }

  #wrap(inner: TraceSpan, parentId: string | null, name: string, options: Omit<SpanOptions, 'parent'>): TraceSpan {
    const record: SpanRecord = {
      id: `${this.idPrefix}s${this.#spans.length + 1}`, parentId, name, kind: options.kind,
      startedAt: Date.now(), durationMs: 0, ended: false, attributes: {}, error: null,
    };
    const startedAtMono = performance.now();
    if (options.attributes) assign(record, options.attributes);
    this.#spans.push({ record, startedAtMono, written: false });
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

function copyOf({ record, startedAtMono }: OpenRecord, now: number, ending: SpanEnding | undefined): SpanRecord {
  const copy: SpanRecord = { ...record, attributes: { ...record.attributes } };
  if (copy.ended) return copy;
  copy.durationMs = now - startedAtMono;
  if (ending) {
    assign(copy, ending.attributes);
    if (ending.error) copy.error = { ...ending.error };
    copy.ended = true;
  }
  return copy;
}
