import { AgentportError, type Logger, type SharedKeyLimits } from '@agentport/core';
import { applyMigrations, checkedStoreConfig, SqlStateStore, type OpenedDatabase } from '@agentport/store-sql';
import { DatabaseOpenError, POSTGRES_STORE_IDENTITY } from './errors.js';
import { POSTGRES_MIGRATION_DIALECT } from './migrations/migration-dialect.js';
import { STORE_MIGRATIONS } from './migrations/store-migrations.js';
import { openPostgresOrm, PostgresDatabase } from './postgres-database.js';
import { PostgresKeyLimits } from './postgres-key-limits.js';
import { POSTGRES_STORE_DEFAULTS, postgresStoreConfigSchema, type PostgresStoreConfig } from './store-config.js';

export type { OpenReport } from '@agentport/store-sql';

export interface PostgresStateStoreOptions extends Partial<PostgresStoreConfig> {
  /** Where migrations, recovery, purge failures and dropped connections are reported. */
  logger?: Logger;
  /** The current time in Unix seconds, for retention; the system clock by default. */
  clock?: () => number;
}

/**
 * A `StateStore` on PostgreSQL through MikroORM and a pool of connections; the operations are
 * `SqlStateStore`'s, shared with the other SQL stores. Several processes and instances may use
 * one database at once: writes lock the rows they append under, migrations take an advisory lock.
 *
 * `open()` connects, applies the shipped migrations and starts the retention purge. A lost
 * connection fails the operations that were using it; the pool opens a new one for the next.
 */
export class PostgresStateStore extends SqlStateStore {
  readonly #config: PostgresStoreConfig;
  readonly #logger: Logger | undefined;
  /** Per-key limits every process on this database holds together (usable once the store is open). */
  readonly keyLimits: SharedKeyLimits = new PostgresKeyLimits((operation) => this.inTransaction(operation), this.instanceId);

  constructor(options: PostgresStateStoreOptions = {}) {
    const { logger, clock, ...given } = options;
    const config = checkedStoreConfig(postgresStoreConfigSchema, POSTGRES_STORE_DEFAULTS, given, 'PostgresStateStore');
    super({ settings: config, identity: POSTGRES_STORE_IDENTITY, location: redactedUrl(config.url), logger, clock });
    this.#config = config;
    this.#logger = logger;
  }

  /** Creates a store and opens it. */
  static async open(options: PostgresStateStoreOptions = {}): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(options);
    await store.open();
    return store;
  }

  /** The database URL without its password, as logs and errors name it. */
  get location(): string {
    return redactedUrl(this.#config.url);
  }

  protected override async openDatabase(): Promise<OpenedDatabase> {
    const orm = openPostgresOrm(this.#config, this.#logger);
    try {
      const migrations = await applyMigrations(orm.em.getKysely(), STORE_MIGRATIONS, POSTGRES_MIGRATION_DIALECT, this.location);
      return { database: new PostgresDatabase(orm), migrations };
    } catch (error) {
      await orm.close(true);
      throw AgentportError.is(error) ? error : new DatabaseOpenError(this.location, { cause: error });
    }
  }
}

/** `postgres://user:secret@host/db` as `postgres://user:***@host/db`: a password never reaches a log line. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
