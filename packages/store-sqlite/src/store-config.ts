import type { JsonSchema } from '@agentport/core';

/** SQLite's `synchronous` setting; see `SqliteStoreConfig.synchronous`. */
export type SynchronousMode = 'normal' | 'full';

/**
 * The `store` plugin's configuration (env vars `AGENTPORT_STORE__<KEY>`, e.g.
 * `AGENTPORT_STORE__PATH`, `AGENTPORT_STORE__RETENTION_SECONDS`).
 */
export interface SqliteStoreConfig {
  /** The database file; its directory is created. `:memory:` keeps everything in this process only. */
  path: string;
  /**
   * Purges a finished response this long after it was created, even when it has no expiry of
   * its own. `null`: only a response's own `expiresAt` purges it.
   */
  retentionSeconds: number | null;
  /** How often the purge job runs (fractions allowed, at most 2,000,000); 0 turns the job off (`purgeExpired()` still works). */
  purgeIntervalSeconds: number;
  /** Responses deleted per purge transaction, so a large purge never holds the database for long. */
  purgeBatchSize: number;
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs: number;
  /**
   * `normal` (with WAL): a crash of the process loses nothing committed, a power loss may lose
   * the last commits. `full`: not even those, at the cost of a sync per commit.
   */
  synchronous: SynchronousMode;
  /**
   * At open, marks responses left `queued` or `in_progress` by a previous process `incomplete`
   * (reason `server_restarted`). Turn it off only when several processes share the file.
   */
  recoverOnStart: boolean;
}

export const SQLITE_STORE_DEFAULTS: Readonly<SqliteStoreConfig> = Object.freeze({
  path: './data/agentport.db',
  retentionSeconds: null,
  purgeIntervalSeconds: 60,
  purgeBatchSize: 500,
  busyTimeoutMs: 5_000,
  synchronous: 'normal',
  recoverOnStart: true,
});

/** The plugin's config schema; the kernel fills in the defaults and derives the env names from the keys. */
export const sqliteStoreConfigSchema: JsonSchema = {
  type: 'object',
  description: 'Where responses, conversations and their items are kept (`@agentport/store-sqlite`): one SQLite file, with retention and a purge job.',
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      default: SQLITE_STORE_DEFAULTS.path,
      description: 'SQLite database file (its directory is created), or :memory:',
    },
    retentionSeconds: {
      type: ['integer', 'null'],
      minimum: 1,
      default: SQLITE_STORE_DEFAULTS.retentionSeconds,
      description: 'purge finished responses this many seconds after creation; null: only their own expiry',
    },
    purgeIntervalSeconds: {
      type: 'number',
      minimum: 0,
      // Node's timers take at most 2^31-1 ms (about 24.8 days) and fire at once beyond it.
      maximum: 2_000_000,
      default: SQLITE_STORE_DEFAULTS.purgeIntervalSeconds,
      description: 'seconds between purges of expired responses (fractions allowed); 0 turns the job off',
    },
    purgeBatchSize: {
      type: 'integer',
      minimum: 1,
      default: SQLITE_STORE_DEFAULTS.purgeBatchSize,
      description: 'responses deleted per purge transaction, so a large purge never holds the database for long',
    },
    busyTimeoutMs: {
      type: 'integer',
      minimum: 0,
      default: SQLITE_STORE_DEFAULTS.busyTimeoutMs,
      description: 'ms a statement waits for a lock held by another connection; then it fails with SQLITE_BUSY',
    },
    synchronous: {
      type: 'string',
      enum: ['normal', 'full'],
      default: SQLITE_STORE_DEFAULTS.synchronous,
      description: 'normal: durable across process crashes; full: also across power loss, slower',
    },
    recoverOnStart: {
      type: 'boolean',
      default: SQLITE_STORE_DEFAULTS.recoverOnStart,
      description: 'mark responses left running by a previous process incomplete (server_restarted) at start',
    },
  },
};
