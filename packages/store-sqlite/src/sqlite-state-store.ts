import { ConfigError, JsonSchemaValidator, type Logger } from '@agentport/core';
import { SqlStateStore, type OpenedDatabase } from '@agentport/store-sql';
import { SQLITE_STORE_IDENTITY } from './errors.js';
import { applyMigrations } from './migrations/migration-runner.js';
import { STORE_MIGRATIONS } from './migrations/store-migrations.js';
import { IN_MEMORY_PATH, openSqliteOrm, SqliteDatabase, sqlRunnerOf } from './sqlite-database.js';
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
    const config = checkedConfig(given);
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
      const migrations = await applyMigrations(sqlRunnerOf(orm), STORE_MIGRATIONS, location);
      return { database: new SqliteDatabase(orm), migrations };
    } catch (error) {
      await orm.close(true);
      throw error;
    }
  }
}

const configValidator = new JsonSchemaValidator({ maxCachedSchemas: 1 });

/** The plugin's config is checked by the kernel; options given in code get the same check. */
function checkedConfig(given: Partial<SqliteStoreConfig>): SqliteStoreConfig {
  const config = { ...SQLITE_STORE_DEFAULTS, ...withoutUndefined(given) };
  const checked = configValidator.validate(sqliteStoreConfigSchema, config);
  if (!checked.valid) throw new ConfigError(checked.errors.map((error) => `SqliteStateStore options: ${error}`));
  return config;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
