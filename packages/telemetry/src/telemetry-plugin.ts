import { type Plugin, TOKENS } from '@agentport/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { OtelTracer } from './otel-tracer.js';
import type { TelemetryConfig } from './telemetry-config.js';
import { telemetryConfigSchema } from './telemetry-config.js';

/** Where spans go: the configured root, the standard environment, or nowhere (tracing off). */
export function tracesUrl(config: Pick<TelemetryConfig, 'otlpEndpoint'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config.otlpEndpoint) return `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

export interface TelemetryOptions {
  /** Where the standard `OTEL_*` variables are read from; `process.env` when absent. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Binds an OpenTelemetry tracer to `TOKENS.Tracer` when an OTLP endpoint is configured (config
 * section `telemetry`, or `OTEL_EXPORTER_OTLP_ENDPOINT`); otherwise binds nothing and nothing is
 * traced. Spans leave in batches; `app.stop()` sends what is left.
 */
export function telemetry(options: TelemetryOptions = {}): Plugin<TelemetryConfig> {
  const env = options.env ?? process.env;
  let provider: TracerProvider | undefined;
  return {
    name: 'telemetry',
    configSchema: telemetryConfigSchema,
    register(ctx) {
      const url = tracesUrl(ctx.config, env);
      if (!url) return;
      const serviceName = ctx.config.serviceName ?? env.OTEL_SERVICE_NAME ?? 'agentport';
      provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': serviceName }),
        sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ctx.config.sampleRatio) }),
        spanProcessors: [new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url, timeoutMillis: ctx.config.exportTimeoutMs }),
          scheduledDelayMillis: ctx.config.exportDelayMs,
          maxQueueSize: ctx.config.maxQueuedSpans,
          exportTimeoutMillis: ctx.config.exportTimeoutMs,
          maxExportBatchSize: Math.min(512, ctx.config.maxQueuedSpans),
        })],
      });
      ctx.bind(TOKENS.Tracer, new OtelTracer(provider.getTracer('agentport')));
      ctx.logger.info({ url, serviceName, sampleRatio: ctx.config.sampleRatio }, 'tracing: spans of responses, model calls and tool calls go to OTLP');
    },
    async stop() {
      await provider?.shutdown();
      provider = undefined;
    },
  };
}
