import type { JsonSchema } from '@agentport/core';
import { SQL_STORE_SETTING_DEFAULTS, sqlStoreSettingsProperties, type SqlStoreSettings } from '@agentport/store-sql';

/** SQLite's `synchronous` setting; see `SqliteStoreConfig.synchronous`. */
export type SynchronousMode = 'normal' | 'full';

/**
 * The `store` plugin's configuration (env vars `AGENTPORT_STORE__<KEY>`, e.g.
 * `AGENTPORT_STORE__PATH`, `AGENTPORT_STORE__RETENTION_SECONDS`).
 */
export interface SqliteStoreConfig extends SqlStoreSettings {
  /** The database file; its directory is created. `:memory:` keeps everything in this process only. */
  path: string;
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs: number;
  /**
   * `normal` (with WAL): a crash of the process loses nothing committed, a power loss may lose
   * the last commits. `full`: not even those, at the cost of a sync per commit.
   */
  synchronous: SynchronousMode;
  /**
   * The most the connection's page cache holds, in MiB. SQLite fills it as the database is read
   * and written and keeps it, so it is part of the process's resident memory once the file is
   * bigger than it: a bound an operator sizes, not growth.
   */
  cacheSizeMb: number;
}

export const SQLITE_STORE_DEFAULTS: Readonly<SqliteStoreConfig> = Object.freeze({
  path: './data/agentport.db',
  ...SQL_STORE_SETTING_DEFAULTS,
  busyTimeoutMs: 5_000,
  synchronous: 'normal',
  // better-sqlite3's own build default, named here so it is visible and can be lowered.
  cacheSizeMb: 16,
});

/** The plugin's config schema; the kernel fills in the defaults and derives the env names from the keys. */
export const sqliteStoreConfigSchema: JsonSchema = {
  type: 'object',
  description: 'SQLite: where responses, conversations and their items are kept (`@agentport/store-sqlite`), in one file, with retention and a purge job.',
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      default: SQLITE_STORE_DEFAULTS.path,
      description: 'SQLite database file (its directory is created), or :memory:',
    },
    ...sqlStoreSettingsProperties,
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
    cacheSizeMb: {
      type: 'integer',
      minimum: 1,
      default: SQLITE_STORE_DEFAULTS.cacheSizeMb,
      description: 'MiB of database pages the connection keeps in memory (SQLite page cache); resident once filled',
    },
  },
};
