/**
 * Per-key limits held by every gateway process on one store together (port version `v1`), so a
 * key's `maxConcurrentRuns` and `requestsPerMinute` are the same for a cluster as for one
 * process. Without it each process holds its own (in memory). The PostgreSQL store provides one.
 */
export interface SharedKeyLimits {
  readonly specificationVersion: 'v1';
  /** Takes one of `limit` run slots of `key`, counted over every live process; false when all are taken. */
  acquireRun(key: string, limit: number): Promise<boolean>;
  /** Gives back a slot this process took. */
  releaseRun(key: string): Promise<void>;
  /**
   * Takes one request from `key`'s bucket of `perMinute` (a burst of a minute's worth, refilled
   * continuously): 0 when taken, otherwise the seconds until one is there.
   */
  takeRequest(key: string, perMinute: number): Promise<number>;
}
