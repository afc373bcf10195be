import type { JsonSchema } from '@agentport/core';

/** The settings every SQL store has (each plugin's config adds its connection's own). */
export interface SqlStoreSettings {
  /**
   * Purges a finished response this long after it was created, even when it has no expiry of
   * its own. `null`: only a response's own `expiresAt` purges it.
   */
  retentionSeconds: number | null;
  /** How often the purge job runs (fractions allowed, at most 2,000,000); 0 turns the job off (`purgeExpired()` still works). */
  purgeIntervalSeconds: number;
  /** Responses deleted per purge transaction, so a large purge never holds the database for long. */
  purgeBatchSize: number;
  /**
   * At open, marks responses left `queued` or `in_progress` by a previous process `incomplete`
   * (reason `server_restarted`). Turn it off only when several processes share the database.
   */
  recoverOnStart: boolean;
  /**
   * Each store instance renews a lease (a heartbeat row) every third of this; the responses it
   * runs name it as their owner. An instance whose heartbeat is older than this is taken for dead
   * by the others, which end its running responses `incomplete` (reason `instance_lost`). Give
   * every instance on a database the same value. `null`: no leases.
   */
  leaseSeconds: number | null;
}

export const SQL_STORE_SETTING_DEFAULTS: Readonly<SqlStoreSettings> = Object.freeze({
  retentionSeconds: null,
  purgeIntervalSeconds: 60,
  purgeBatchSize: 500,
  recoverOnStart: true,
  leaseSeconds: 30,
});

/** The schema properties of `SqlStoreSettings`, for each plugin's config schema. */
export const sqlStoreSettingsProperties: Record<keyof SqlStoreSettings, JsonSchema> = {
  retentionSeconds: {
    type: ['integer', 'null'],
    minimum: 1,
    default: SQL_STORE_SETTING_DEFAULTS.retentionSeconds,
    description: 'purge finished responses this many seconds after creation; null: only their own expiry',
  },
  purgeIntervalSeconds: {
    type: 'number',
    minimum: 0,
    // Node's timers take at most 2^31-1 ms (about 24.8 days) and fire at once beyond it.
    maximum: 2_000_000,
    default: SQL_STORE_SETTING_DEFAULTS.purgeIntervalSeconds,
    description: 'seconds between purges of expired responses (fractions allowed); 0 turns the job off',
  },
  purgeBatchSize: {
    type: 'integer',
    minimum: 1,
    default: SQL_STORE_SETTING_DEFAULTS.purgeBatchSize,
    description: 'responses deleted per purge transaction, so a large purge never holds the database for long',
  },
  recoverOnStart: {
    type: 'boolean',
    default: SQL_STORE_SETTING_DEFAULTS.recoverOnStart,
    description: 'mark responses left running by a previous process incomplete (server_restarted) at start',
  },
  leaseSeconds: {
    type: ['number', 'null'],
    minimum: 1,
    maximum: 2_000_000,
    default: SQL_STORE_SETTING_DEFAULTS.leaseSeconds,
    description: 'an instance renews its lease every third of this; one silent for longer is taken for dead and its running responses end incomplete (instance_lost) by another; the same on every instance; null: no leases',
  },
};
