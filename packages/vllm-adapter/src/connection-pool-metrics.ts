import type { HistogramMetric, MetricRegistry } from '@agentport/core';

/** What the pool holds right now. */
export interface ConnectionPoolState {
  /** Connections carrying a request. */
  active: number;
  /** Open keep-alive connections waiting for the next request. */
  idle: number;
  /** Requests queued for a connection because `maxConnections` are all active. */
  waiting: number;
}

/** Upper bounds in seconds: a wait for a socket should be none; anything visible is a queue. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];

/**
 * The vLLM connection pool in `/metrics`: how many connections are busy and idle, how many
 * calls queue for one, and how long each call waited before it had a socket. The wait is
 * counted apart from the model's own time, so a pool that is too small shows as itself and not
 * as a slow model.
 */
export class ConnectionPoolMetrics {
  private readonly waits: HistogramMetric;

  constructor(private readonly registry: MetricRegistry) {
    this.waits = registry.histogram('agentport_upstream_connection_wait_seconds',
      'Time a call to vLLM waited for a pooled connection (vllm.maxConnections) before it was sent.', WAIT_BUCKETS);
  }

  observeWait(seconds: number): void {
    this.waits.observe({}, seconds);
  }

  /** Gauges read from the pool at each scrape. */
  watch(pool: { poolState(): ConnectionPoolState }): void {
    this.registry.gauge('agentport_upstream_connections_active', 'Connections to vLLM carrying a call.', () => pool.poolState().active);
    this.registry.gauge('agentport_upstream_connections_idle', 'Open keep-alive connections to vLLM with no call.', () => pool.poolState().idle);
    this.registry.gauge('agentport_upstream_calls_waiting',
      'Calls to vLLM queued for a connection because vllm.maxConnections are all busy.', () => pool.poolState().waiting);
  }
}
