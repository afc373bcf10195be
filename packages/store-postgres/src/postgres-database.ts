import type { Logger, StoreFaultKind } from '@agentport/core';
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

  faultOf(error: unknown): StoreFaultKind | undefined {
    return postgresFaultOf(error);
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

/** Node's socket error codes that mean the database cannot be reached. */
const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL's SQLSTATEs (and pg's connection failures) that are about the storage: class 53
 * (insufficient resources: disk full, out of memory), 25006 (read-only transaction, e.g. a
 * standby), 55P03 and 57014 (a lock not granted in time, a statement cancelled by its timeout),
 * class 08 and 57P01–57P03 (connection lost, server shutting down or starting), class 58 (I/O).
 */
export function postgresFaultOf(error: unknown): StoreFaultKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('53')) return 'full';
    if (code === '25006') return 'read_only';
    if (code === '55P03' || code === '57014') return 'locked';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || UNREACHABLE_SOCKET_CODES.has(code)) return 'unreachable';
    if (code.startsWith('58')) return 'io';
  }
  // pg says a lost connection in words only.
  const message = error instanceof Error ? error.message : '';
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) return 'unreachable';
  return undefined;
}
