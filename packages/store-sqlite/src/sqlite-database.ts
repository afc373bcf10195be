import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger, StoreFaultKind } from '@agentport/core';
import { MIGRATIONS_TABLE, STORE_ENTITIES, type SqlDatabase, type StoreDb, type StoreTables } from '@agentport/store-sql';
import { MikroORM } from '@mikro-orm/sqlite';
import { GroupedCommitQueue, type TransactionControl } from './grouped-commit-queue.js';
import { type PreparingDatabase, reusePreparedStatements } from './statement-cache.js';
import type { SqliteStoreConfig } from './store-config.js';

/** SQLite's name for a database that lives in the connection only. */
export const IN_MEMORY_PATH = ':memory:';

export type SqliteConnectionSettings = Pick<SqliteStoreConfig, 'path' | 'busyTimeoutMs' | 'synchronous' | 'cacheSizeMb'>;

/**
 * Opens the ORM on the database file (creating its directory) and applies the connection
 * settings: a busy timeout, WAL for a file, `synchronous`, the page cache's size. Foreign keys are switched on by
 * MikroORM's SQLite connection itself. Nothing of the schema is touched here.
 */
export async function openSqliteOrm(settings: SqliteConnectionSettings, logger?: Logger): Promise<MikroORM> {
  const inMemory = settings.path === IN_MEMORY_PATH;
  if (!inMemory) await mkdir(dirname(resolve(settings.path)), { recursive: true });
  const orm = await MikroORM.init({
    dbName: settings.path,
    entities: [...STORE_ENTITIES],
    debug: false,
    allowGlobalContext: false,
    // Schema comparisons (tests, tooling) leave the migration record alone.
    schemaGenerator: { skipTables: [MIGRATIONS_TABLE] },
  });
  try {
    const db = sqlRunnerOf(orm);
    // The timeout first: switching to WAL needs a lock another process may hold.
    await db.run(`pragma busy_timeout = ${Math.trunc(settings.busyTimeoutMs)}`);
    if (!inMemory) {
      const [mode] = await db.all<{ journal_mode: string }>('pragma journal_mode = wal');
      if (mode?.journal_mode !== 'wal') {
        logger?.warn({ path: settings.path, journalMode: mode?.journal_mode }, 'SQLite could not switch to WAL; writers will block readers');
      }
    }
    await db.run(`pragma synchronous = ${settings.synchronous === 'full' ? 'full' : 'normal'}`);
    // A negative cache_size is KiB, not pages.
    await db.run(`pragma cache_size = ${-Math.trunc(settings.cacheSizeMb) * 1024}`);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

/** Plain SQL text over the ORM's connection, for pragmas. */
interface SqlRunner {
  run(sql: string, params?: readonly (string | number)[]): Promise<void>;
  all<Row>(sql: string, params?: readonly (string | number)[]): Promise<Row[]>;
}

function sqlRunnerOf(orm: MikroORM): SqlRunner {
  const connection = orm.em.getConnection();
  return {
    async run(sql, params = []) {
      await connection.execute(sql, [...params], 'run');
    },
    async all<Row>(sql: string, params: readonly (string | number)[] = []) {
      return connection.execute<Row[] & object>(sql, [...params], 'all');
    },
  };
}

/**
 * The ORM's single SQLite connection as the store's database: every operation runs alone on it,
 * in call order, each write in a transaction (shared with the writes queued beside it, each in
 * its own savepoint), so concurrent appends to one conversation get distinct, gap-free
 * positions and a read never sees another operation's uncommitted rows.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly locking = 'one-at-a-time' as const;
  /**
   * The connection's kysely, straight: the store works in rows, so a unit of work (`em.fork()`,
   * `transactional`) per operation would cost more than the SQL it runs.
   */
  readonly #db: StoreDb;
  readonly #queue: GroupedCommitQueue;

  constructor(private readonly orm: MikroORM) {
    this.#db = orm.em.getKysely<StoreTables>();
    const connection = connectionOf(orm);
    reusePreparedStatements(connection);
    this.#queue = new GroupedCommitQueue(transactionControl(connection));
  }

  read<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#queue.read(() => operation(this.#db));
  }

  write<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#queue.write(() => operation(this.#db));
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'))
      || (error instanceof Error && error.message.includes('UNIQUE constraint failed'));
  }

  faultOf(error: unknown): StoreFaultKind | undefined {
    return sqliteFaultOf(error);
  }

  async close(): Promise<void> {
    await this.#queue.drained();
    await this.orm.close(true);
  }
}

/** The better-sqlite3 connection under the ORM (what kysely runs its queries on). */
export interface RawConnection extends PreparingDatabase {
  prepare(sql: string): { run(): unknown };
  readonly inTransaction: boolean;
}

export function connectionOf(orm: MikroORM): RawConnection {
  const database = (orm.em.getConnection() as unknown as { database?: RawConnection }).database;
  if (!database) throw new Error('the SQLite connection is not open');
  return database;
}

/**
 * Transactions in plain SQL on the connection, not kysely's: SQLite ends a transaction by itself
 * on some errors (a full disk, an I/O error), a `rollback` after it then fails ("no transaction
 * is active"), and kysely would throw that instead of the cause, or keep the connection.
 * `begin immediate` takes the write lock at once, so another process's lock is met (and waited
 * for, up to the busy timeout) before any work, never halfway.
 */
export function transactionControl(connection: RawConnection): TransactionControl {
  const statement = (text: string) => {
    const prepared = connection.prepare(text);
    return () => { prepared.run(); };
  };
  return {
    begin: statement('begin immediate'),
    commit: statement('commit'),
    rollback: statement('rollback'),
    savepoint: statement('savepoint agentport_write'),
    release: statement('release agentport_write'),
    rollbackToSavepoint: statement('rollback to agentport_write'),
    get inTransaction() { return connection.inTransaction; },
  };
}

/** SQLite's result codes (better-sqlite3 names them, extended codes included) that are about the storage. */
export function sqliteFaultOf(error: unknown): StoreFaultKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PROTOCOL') return 'io';
  return undefined;
}
