import { type CounterMetric, type HistogramMetric, MetricRegistry } from '@agentport/core';
import { registerProcessMetrics } from './process-metrics.js';

/** What the response runner reports while it runs a response. */
export interface ResponseRunMetrics {
  /** Seconds from the start of a response to its first streamed token (text, reasoning or arguments). */
  observeFirstToken(seconds: number): void;
  /** A finished response's usage, once per response. */
  addTokens(input: number, output: number): void;
  /** A response that failed because of the model server, by its error code (`transport`, `timeout`, …). */
  upstreamError(code: string): void;
}

export interface GatewayMetricsOptions {
  /** Upper bounds in seconds of the request duration buckets; streams can last minutes. */
  requestDurationBuckets?: readonly number[];
  /** Upper bounds in seconds of the time-to-first-token buckets. */
  firstTokenBuckets?: readonly number[];
  /** How many responses run in this process right now (streams and background runs). */
  activeStreams?: () => number;
  /** Where the metrics are registered: the app's registry, whose other metrics `/metrics` serves too. */
  registry?: MetricRegistry;
  /** The event loop's delay, when the gateway measures it. */
  eventLoopLag?: { readonly p99Ms: number; readonly maxMs: number };
  /** The response endings waiting for the store, when the gateway tracks them. */
  storeFaults?: { readonly pendingCount: number };
  /** The admission queue's state, when the gateway has one. */
  admission?: { readonly runningCount: number; readonly queuedCount: number; readonly currentLimit: number };
}

/** Why a request was refused before it ran. */
export type RefusalReason = 'rate_limit' | 'concurrent_runs' | 'queue_full' | 'queue_timeout';

export const DEFAULT_ADMISSION_WAIT_BUCKETS: readonly number[] = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const DEFAULT_REQUEST_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
export const DEFAULT_FIRST_TOKEN_BUCKETS: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/** The route label of a request no route matched, so unknown paths cannot grow the series without bound. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The gateway's Prometheus metrics, served at `/metrics`. */
export class GatewayMetrics implements ResponseRunMetrics {
  static readonly CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

  readonly registry: MetricRegistry;
  private readonly requests: CounterMetric<'method' | 'route' | 'status'>;
  private readonly requestDuration: HistogramMetric<'method' | 'route'>;
  private readonly firstToken: HistogramMetric;
  private readonly tokens: CounterMetric<'kind'>;
  private readonly upstreamErrors: CounterMetric<'code'>;
  private readonly refusals: CounterMetric<'reason'>;
  private readonly admissionWait: HistogramMetric;

  constructor(options: GatewayMetricsOptions = {}) {
    const registry = options.registry ?? new MetricRegistry();
    this.registry = registry;
    this.requests = registry.counter('agentport_http_requests_total', 'HTTP requests answered, by method, route pattern and status.', ['method', 'route', 'status']);
    this.requestDuration = registry.histogram('agentport_http_request_duration_seconds',
      'Time from receiving a request to the end of its answer (the whole stream for SSE), by method and route pattern.',
      options.requestDurationBuckets ?? DEFAULT_REQUEST_DURATION_BUCKETS, ['method', 'route']);
    this.firstToken = registry.histogram('agentport_response_time_to_first_token_seconds',
      'Time from the start of a response to its first streamed token (any wait for an upstream connection included; see agentport_upstream_connection_wait_seconds).',
      options.firstTokenBuckets ?? DEFAULT_FIRST_TOKEN_BUCKETS);
    this.tokens = registry.counter('agentport_tokens_total', 'Tokens used by finished responses, by kind.', ['kind']);
    registry.gauge('agentport_active_streams',
      'Responses running in this process (streamed, foreground JSON and background).', options.activeStreams ?? (() => 0));
    this.upstreamErrors = registry.counter('agentport_upstream_errors_total', 'Responses that failed because of the model server, by error code.', ['code']);
    this.refusals = registry.counter('agentport_requests_refused_total',
      'Requests answered 429 before they ran, by reason: rate_limit (requestsPerMinute), concurrent_runs (maxConcurrentRuns), queue_full (admissionQueueSize, admissionQueuePerKey) or queue_timeout (admissionTimeoutMs).', ['reason']);
    this.admissionWait = registry.histogram('agentport_admission_wait_seconds',
      'Time a response waited in the admission queue before it ran (only those that waited; not part of the model\'s time).', DEFAULT_ADMISSION_WAIT_BUCKETS);
    const lag = options.eventLoopLag;
    if (lag) {
      registry.gauge('agentport_event_loop_lag_seconds', 'The event loop\'s delay, p99 over the last window (eventLoopWindowMs).', () => lag.p99Ms / 1000);
      registry.gauge('agentport_event_loop_lag_max_seconds', 'The event loop\'s longest delay in the last window.', () => lag.maxMs / 1000);
    }
    const storeFaults = options.storeFaults;
    if (storeFaults) {
      registry.gauge('agentport_store_pending_endings', 'Response endings the store refused for a storage fault, waiting to be written again (storeRetryMs).', () => storeFaults.pendingCount);
    }
    const admission = options.admission;
    if (admission) {
      registry.gauge('agentport_admission_running', 'Responses admitted and running in this process.', () => admission.runningCount);
      registry.gauge('agentport_admission_queued', 'Responses waiting in the admission queue.', () => admission.queuedCount);
      registry.gauge('agentport_admission_limit', 'Responses this process admits at once now (maxRunningResponses, lower while the event loop lags).', () => admission.currentLimit);
    }
    registerProcessMetrics(registry);
    // Every series shows from the first scrape, so a rate() over them never starts from a gap.
    this.tokens.inc({ kind: 'input' }, 0);
    this.tokens.inc({ kind: 'output' }, 0);
    this.refusals.inc({ reason: 'rate_limit' }, 0);
    this.refusals.inc({ reason: 'concurrent_runs' }, 0);
    this.refusals.inc({ reason: 'queue_full' }, 0);
    this.refusals.inc({ reason: 'queue_timeout' }, 0);
  }

  /** A response waited this long (seconds) in the admission queue. */
  admissionWaited(seconds: number): void {
    this.admissionWait.observe({}, seconds);
  }

  /** One answered request; `route` is the route pattern (`/v1/responses/:id`), never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestDuration.observe({ method, route }, seconds);
  }

  observeFirstToken(seconds: number): void {
    this.firstToken.observe({}, seconds);
  }

  addTokens(input: number, output: number): void {
    this.tokens.inc({ kind: 'input' }, input);
    this.tokens.inc({ kind: 'output' }, output);
  }

  upstreamError(code: string): void {
    this.upstreamErrors.inc({ code });
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  /** Every metric of the registry (those of other plugins too) in the Prometheus text format. */
  render(): string {
    return this.registry.render();
  }
}
