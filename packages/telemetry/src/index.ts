export { OtelTracer } from './otel-tracer.js';
export { telemetry, type TelemetryOptions, tracesUrl } from './telemetry-plugin.js';
export { TELEMETRY_CONFIG_DEFAULTS, type TelemetryConfig, telemetryConfigSchema } from './telemetry-config.js';
