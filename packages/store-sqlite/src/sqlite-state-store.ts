import type { Logger } from '@agentport/core';
import { applyMigrations, checkedStoreConfig, SqlStateStore, type OpenedDatabase } from '@agentport/store-sql';
import { SQLITE_STORE_IDENTITY } from './errors.js';
import { SQLITE_MIGRATION_DIALECT } from './migrations/migration-dialect.js';
import { STORE_MIGRATIONS } from './migrations/store-migrations.js';
import { IN_MEMORY_PATH, openSqliteOrm, SqliteDatabase } from './sqlite-database.js';
import { SQLITE_STORE_DEFAULTS, sqliteStoreConfigSchema, type SqliteStoreConfig } from './store-config.js';

export type { OpenReport } from '@agentport/store-sql';

export interface SqliteStateStoreOptions extends Partial<SqliteStoreConfig> {
  /** Where recovery, purge failures and WAL problems are reported. */
  logger?: Logger;
  /** The current time in Unix seconds, for retention; the system clock by default. */
  clock?: () => number;
}

/**
 * A `StateStore` on SQLite through MikroORM, in a file (WAL) or in memory; the operations are
 * `SqlStateStore`'s, shared with the other SQL stores.
 *
 * `open()` creates the directory, applies the shipped migrations, marks responses a previous
 * process left running `incomplete` (`server_restarted`) and starts the retention purge.
 * Every operation runs alone on the single connection, each write in one transaction. One
 * process owns a database file: run several only with `recoverOnStart: false`.
 */
export class SqliteStateStore extends SqlStateStore {
  readonly #config: SqliteStoreConfig;
  readonly #logger: Logger | undefined;

  constructor(options: SqliteStateStoreOptions = {}) {
    const { logger, clock, ...given } = options;
    const config = checkedStoreConfig(sqliteStoreConfigSchema, SQLITE_STORE_DEFAULTS, given, 'SqliteStateStore');
    super({
      settings: config, identity: SQLITE_STORE_IDENTITY, location: config.path, logger, clock,
    });
    this.#config = config;
    this.#logger = logger;
  }

  /** Creates a store and opens it. */
  static async open(options: SqliteStateStoreOptions = {}): Promise<SqliteStateStore> {
    const store = new SqliteStateStore(options);
    await store.open();
    return store;
  }

  /** The database file, or `:memory:`. */
  get path(): string {
    return this.#config.path;
  }

  protected override async openDatabase(): Promise<OpenedDatabase> {
    const orm = await openSqliteOrm(this.#config, this.#logger);
    try {
      const location = this.#config.path === IN_MEMORY_PATH ? 'in memory' : `"${this.#config.path}"`;
      const migrations = await applyMigrations(orm.em.getKysely(), STORE_MIGRATIONS, SQLITE_MIGRATION_DIALECT, location);
      return { database: new SqliteDatabase(orm), migrations };
    } catch (error) {
      await orm.close(true);
      throw error;
    }
  }
}
