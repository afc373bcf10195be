import { AgentportError } from '../errors.js';
import { CounterMetric, GaugeMetric, HistogramMetric } from './prometheus-metrics.js';

/** Any metric the registry can render. */
export interface RenderedMetric {
  readonly name: string;
  render(): string[];
}

/** Prometheus metric names: letters, digits, underscores and colons, not starting with a digit. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The metrics of one app, served together at the gateway's `/metrics`. createApp makes one and
 * hands it to every plugin (`ctx.metrics`), so a plugin reports what only it can see (the vLLM
 * adapter its connection pool) without depending on the gateway.
 */
export class MetricRegistry {
  private readonly metrics = new Map<string, RenderedMetric>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): CounterMetric<L> {
    return this.add(new CounterMetric(name, help, labelNames));
  }

  /** Buckets are upper bounds (seconds, for times), in any order. */
  histogram<L extends string = never>(name: string, help: string, buckets: readonly number[], labelNames: readonly L[] = []): HistogramMetric<L> {
    return this.add(new HistogramMetric(name, help, buckets, labelNames));
  }

  /** A value read when scraped, so it costs nothing between scrapes. */
  gauge(name: string, help: string, read: () => number): GaugeMetric {
    return this.add(new GaugeMetric(name, help, read));
  }

  /** Every metric in the Prometheus text format, in the order they were added. */
  render(): string {
    return `${[...this.metrics.values()].flatMap((metric) => metric.render()).join('\n')}\n`;
  }

  private add<M extends RenderedMetric>(metric: M): M {
    if (!METRIC_NAME.test(metric.name)) throw new AgentportError('invalid_metric_name', `"${metric.name}" is not a Prometheus metric name`);
    if (this.metrics.has(metric.name)) {
      throw new AgentportError('metric_already_registered', `the metric ${metric.name} is already registered in this app`);
    }
    this.metrics.set(metric.name, metric);
    return metric;
  }
}
