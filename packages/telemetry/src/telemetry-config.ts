import type { JsonSchema } from '@agentport/core';

/** The `telemetry` plugin's configuration; env vars are `AGENTPORT_TELEMETRY__<KEY>`, and the standard `OTEL_*` ones are read too. */
export interface TelemetryConfig {
  /**
   * The OTLP/HTTP receiver's root (spans go to `<root>/v1/traces`, as JSON). Unset: tracing is
   * on only when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
   */
  otlpEndpoint?: string;
  /** The resource's `service.name`; unset: `OTEL_SERVICE_NAME`, else `agentport`. */
  serviceName?: string;
  /** The share of new traces recorded (0 to 1); a trace the caller started follows the caller's choice. */
  sampleRatio: number;
  /** Longest a span waits in memory before it is sent (spans go in batches). */
  exportDelayMs: number;
  /** Spans waiting to be sent, at most; past it new ones are dropped (the receiver is down or slow). */
  maxQueuedSpans: number;
  /** Longest one export may take before it is given up. */
  exportTimeoutMs: number;
}

export const TELEMETRY_CONFIG_DEFAULTS = {
  sampleRatio: 1,
  exportDelayMs: 2_000,
  maxQueuedSpans: 2_048,
  exportTimeoutMs: 10_000,
} as const satisfies Partial<TelemetryConfig>;

export const telemetryConfigSchema: JsonSchema = {
  type: 'object',
  description: 'OpenTelemetry traces (`@agentport/telemetry`): a span per response, model call and tool call, exported over OTLP/HTTP. Off unless an endpoint is set here or in OTEL_EXPORTER_OTLP_ENDPOINT.',
  additionalProperties: false,
  properties: {
    otlpEndpoint: { type: 'string', pattern: '^https?://', description: 'OTLP/HTTP receiver root (spans go to <root>/v1/traces); unset: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, else tracing is off' },
    serviceName: { type: 'string', minLength: 1, description: 'service.name of the spans; unset: OTEL_SERVICE_NAME, else agentport' },
    sampleRatio: { type: 'number', minimum: 0, maximum: 1, default: TELEMETRY_CONFIG_DEFAULTS.sampleRatio, description: 'share of new traces recorded; a caller\'s traceparent decides for the traces it starts' },
    exportDelayMs: { type: 'integer', minimum: 1, default: TELEMETRY_CONFIG_DEFAULTS.exportDelayMs, description: 'longest ms a finished span waits before its batch is sent' },
    maxQueuedSpans: { type: 'integer', minimum: 1, default: TELEMETRY_CONFIG_DEFAULTS.maxQueuedSpans, description: 'spans waiting to be sent, at most; past it new spans are dropped' },
    exportTimeoutMs: { type: 'integer', minimum: 1, default: TELEMETRY_CONFIG_DEFAULTS.exportTimeoutMs, description: 'longest ms one export may take' },
  },
};
