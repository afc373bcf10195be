import type { SpanAttributeValue, SpanKind } from './tracer.js';

/**
 * One span of a response's trace as the store keeps it, for the trace viewer: the same names
 * and attributes the OpenTelemetry exporter sends, so what the page shows and what a collector
 * receives say the same thing.
 */
export interface SpanRecord {
  /** `s1`, `s2`, …: in the order the spans started, unique within the response (a resumed run's carry a prefix). */
  id: string;
  /** The parent's id; null for the response's own span. */
  parentId: string | null;
  name: string;
  kind: SpanKind;
  /** Unix time in milliseconds. */
  startedAt: number;
  /** Milliseconds; while the span is open, those so far. */
  durationMs: number;
  ended: boolean;
  attributes: Record<string, SpanAttributeValue>;
  error: { code: string; message: string } | null;
}

/** How a span ends in a snapshot taken before the span itself ends (the response's, at its last write). */
export interface SpanEnding {
  attributes: Record<string, SpanAttributeValue | undefined>;
  error?: { code: string; message: string };
}
