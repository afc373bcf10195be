import { createHash } from 'node:crypto';
import type { CounterMetric, Logger, MetricRegistry, ModelSession } from '@agentport/core';
import type { VllmHttpClient } from './vllm-http-client.js';

/** One upstream replica and what the router knows of it. */
export interface Replica {
  readonly url: string;
  readonly client: VllmHttpClient;
  /** Calls sent to it and not ended yet. */
  inFlight: number;
  healthy: boolean;
}

/**
 * Why a call went where it went (the `reason` label of `agentport_upstream_routes_total`):
 * - `only_replica`: there is one;
 * - `least_loaded`: a conversation's first turn (or no conversation), to the fewest calls in flight;
 * - `affinity`: a continuation, to the replica that served its conversation before;
 * - `hashed`: a continuation this process has not seen (served by another gateway instance, or
 *   forgotten), to the replica its key hashes to among the healthy ones;
 * - `failover`: its replica is failing (or just failed this call), so another healthy one;
 * - `none_healthy`: every replica is failing; the least loaded is tried anyway.
 */
export type RouteReason = 'only_replica' | 'least_loaded' | 'affinity' | 'hashed' | 'failover' | 'none_healthy';

export interface Route {
  readonly replica: Replica;
  readonly reason: RouteReason;
}

export interface ReplicaRouterOptions {
  /** How often a replica marked failing is probed. */
  readonly healthCheckMs: number;
  readonly maxRememberedSessions: number;
  /** Whether a replica answers (`GET /models`); a failing replica serves again once this is true. */
  readonly probe: (replica: Replica) => Promise<boolean>;
  readonly metrics?: MetricRegistry;
  readonly logger?: Logger;
}

/**
 * Picks the vLLM replica of each call so a conversation's turns reuse one replica's prefix
 * cache: the first turn goes to the least loaded replica and is remembered under its session
 * key (least recently used forgotten past `maxRememberedSessions`); later turns go back there
 * while it is healthy. A replica that fails a call is skipped and probed every
 * `healthCheckMs` until it answers.
 */
export class ReplicaRouter {
  readonly replicas: readonly Replica[];
  readonly #options: ReplicaRouterOptions;
  readonly #sessions = new Map<string, Replica>();
  readonly #routes: CounterMetric<'replica' | 'reason'> | undefined;
  readonly #probes = new Map<Replica, NodeJS.Timeout>();

  constructor(clients: readonly VllmHttpClient[], options: ReplicaRouterOptions) {
    this.replicas = clients.map((client) => ({ url: client.baseUrl, client, inFlight: 0, healthy: true }));
    this.#options = options;
    if (this.replicas.length > 1 && options.metrics) {
      this.#routes = options.metrics.counter('agentport_upstream_routes_total',
        'Calls to vLLM by the replica chosen and why (least_loaded, affinity, hashed, failover, none_healthy).', ['replica', 'reason']);
      options.metrics.gauge('agentport_upstream_replicas_healthy', 'vLLM replicas taking calls (not marked failing).',
        () => this.replicas.filter((replica) => replica.healthy).length);
    }
  }

  /** The replica for a call of `session`; `avoid` is the one that just failed this call. */
  route(session: ModelSession | undefined, avoid?: Replica): Route {
    const route = this.#choose(session, avoid);
    if (session && this.replicas.length > 1) this.#remember(session.key, route.replica);
    this.#routes?.inc({ replica: route.replica.url, reason: route.reason });
    return route;
  }

  /** A call failed in a way that says the replica is unwell (it cannot be reached, it answered 5xx). */
  markFailing(replica: Replica): void {
    if (this.replicas.length === 1 || !replica.healthy) return;
    replica.healthy = false;
    this.#options.logger?.warn({ replica: replica.url }, 'a vLLM replica failed a call; it takes no calls until its health check passes');
    const check = async () => {
      this.#probes.delete(replica);
      if (await this.#options.probe(replica).catch(() => false)) {
        replica.healthy = true;
        this.#options.logger?.info({ replica: replica.url }, 'a vLLM replica answers its health check again; it takes calls');
      } else {
        this.#probes.set(replica, setTimeout(check, this.#options.healthCheckMs).unref());
      }
    };
    this.#probes.set(replica, setTimeout(check, this.#options.healthCheckMs).unref());
  }

  close(): void {
    for (const timer of this.#probes.values()) clearTimeout(timer);
    this.#probes.clear();
  }

  #choose(session: ModelSession | undefined, avoid: Replica | undefined): Route {
    if (this.replicas.length === 1) return { replica: this.replicas[0]!, reason: 'only_replica' };
    const candidates = this.replicas.filter((replica) => replica.healthy && replica !== avoid);
    if (candidates.length === 0) return { replica: leastLoaded(this.replicas), reason: 'none_healthy' };
    if (avoid) return { replica: leastLoaded(candidates), reason: 'failover' };
    if (!session?.continues) return { replica: leastLoaded(candidates), reason: 'least_loaded' };
    const remembered = this.#sessions.get(session.key);
    if (remembered) {
      return remembered.healthy ? { replica: remembered, reason: 'affinity' } : { replica: leastLoaded(candidates), reason: 'failover' };
    }
    return { replica: rendezvous(session.key, candidates), reason: 'hashed' };
  }

  #remember(key: string, replica: Replica): void {
    // Most recently used last: the first key is the one to forget.
    this.#sessions.delete(key);
    this.#sessions.set(key, replica);
    if (this.#sessions.size > this.#options.maxRememberedSessions) this.#sessions.delete(this.#sessions.keys().next().value!);
  }
}

function leastLoaded(replicas: readonly Replica[]): Replica {
  let best = replicas[0]!;
  for (const replica of replicas) if (replica.inFlight < best.inFlight) best = replica;
  return best;
}

/** Highest-random-weight hashing: every gateway instance maps a key to the same replica, and losing one moves only its keys. */
function rendezvous(key: string, replicas: readonly Replica[]): Replica {
  let best = replicas[0]!;
  let bestScore = -1n;
  for (const replica of replicas) {
    const score = createHash('sha256').update(replica.url).update('\u0000').update(key).digest().readBigUInt64BE();
    if (score > bestScore) {
      best = replica;
      bestScore = score;
    }
  }
  return best;
}
