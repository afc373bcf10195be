import type { StoreFaultKind } from '@agentport/core';
import type { Kysely } from 'kysely';
import type { MigrationOutcome } from './migration-checks.js';
import type { StoreTables } from './schema/store-tables.js';

/** The store's tables through kysely: every value bound as a parameter. */
export type StoreDb = Kysely<StoreTables>;

/**
 * An open database, as a driver hands it to `SqlStateStore`: how to run an operation and how to
 * close. Each driver decides how operations share its connections (SQLite: one at a time on one
 * connection; PostgreSQL: a pool).
 */
export interface SqlDatabase {
  /**
   * How writes are kept from interleaving on the rows they append after:
   * `one-at-a-time`: the driver runs one operation at a time (SQLite's single connection);
   * `row-locks`: operations run side by side and each write locks (`for update`) the response
   * and conversation rows it appends items or events under, before reading where to append.
   */
  readonly locking: RowLocking;
  /** Runs a read; it may see another operation's committed writes, never its uncommitted ones. */
  read<T>(operation: (db: StoreDb) => Promise<T>): Promise<T>;
  /** Runs a write in one transaction: all of it is stored, or none. */
  write<T>(operation: (db: StoreDb) => Promise<T>): Promise<T>;
  /** Whether an error raised by the driver is a clash on a unique key. */
  isUniqueViolation(error: unknown): boolean;
  /** What about the storage an error raised by the driver says, if it is a storage fault (a full disk, a lock, a lost connection) and not a bug. */
  faultOf(error: unknown): StoreFaultKind | undefined;
  /** Waits for the operations already started, then releases the connections. */
  close(): Promise<void>;
}

export type RowLocking = 'one-at-a-time' | 'row-locks';

/** What a driver's open did: the database, migrated. */
export interface OpenedDatabase {
  readonly database: SqlDatabase;
  readonly migrations: MigrationOutcome;
}
