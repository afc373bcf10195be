import type { Logger } from '@agentport/core';
import { MIGRATIONS_TABLE, STORE_ENTITIES, type SqlDatabase, type StoreDb, type StoreTables } from '@agentport/store-sql';
import { MikroORM } from '@mikro-orm/postgresql';
import { NulSafeTextPlugin } from './nul-safe-text.js';
import { KEY_LIMIT_TABLES } from './postgres-key-limits.js';
import type { PostgresStoreConfig } from './store-config.js';
import { storeTypeParsers } from './type-parsers.js';

export type PostgresConnectionSettings = Pick<PostgresStoreConfig, 'url' | 'poolSize' | 'statementTimeoutMs' | 'connectTimeoutMs' | 'idleTimeoutMs'>;

/** SQLSTATE of a unique or primary-key violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Opens the ORM on the database with a pool of `poolSize` connections. Nothing connects yet and
 * nothing of the schema is touched: the migrations are the first use. A connection the server
 * drops is discarded by the pool (MikroORM logs it instead of letting it crash the process) and
 * the next operation opens a new one.
 */
export function openPostgresOrm(settings: PostgresConnectionSettings, logger?: Logger): MikroORM {
  return new MikroORM({
    clientUrl: settings.url,
    entities: [...STORE_ENTITIES],
    debug: false,
    allowGlobalContext: false,
    pool: { min: 0, max: settings.poolSize, idleTimeoutMillis: settings.idleTimeoutMs },
    driverOptions: {
      types: storeTypeParsers,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      // Sent with each connection's startup: the server cancels a statement that runs longer.
      ...(settings.statementTimeoutMs > 0 && { statement_timeout: settings.statementTimeoutMs }),
      application_name: 'agentport',
    },
    logger: (message) => logger?.debug({ message }, 'MikroORM'),
    // Schema comparisons (tests, tooling) leave the migration record alone.
    schemaGenerator: { skipTables: [MIGRATIONS_TABLE, ...KEY_LIMIT_TABLES] },
  });
}

/**
 * The pool as the store's database. Reads run on any free connection; each write is one
 * transaction on one connection (read committed), and the store locks the rows a write appends
 * under (`locking: 'row-locks'`), so concurrent appends to one list, from this process or
 * another, get distinct, gap-free positions.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly locking = 'row-locks' as const;
  readonly #db: StoreDb;
  /** Operations started and not settled, so `close()` can wait for them. */
  readonly #running = new Set<Promise<unknown>>();

  constructor(private readonly orm: MikroORM) {
    // Text that holds U+0000, which PostgreSQL's text cannot, is stored escaped (see nul-safe-text.ts).
    this.#db = orm.em.getKysely<StoreTables>().withPlugin(new NulSafeTextPlugin());
  }

  read<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#track(operation(this.#db));
  }

  write<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#track(this.#db.transaction().execute(operation));
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#running]);
    await this.orm.close(true);
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    this.#running.add(operation);
    const forget = () => this.#running.delete(operation);
    operation.then(forget, forget);
    return operation;
  }
}
