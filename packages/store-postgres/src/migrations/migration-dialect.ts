import type { MigrationDialect } from '@agentport/store-sql';
import { POSTGRES_STORE_IDENTITY } from '../errors.js';

/** Any fixed number: the key of the advisory lock migrators of this schema take. */
const MIGRATION_LOCK_KEY = 0x61677470; // "agtp"

/**
 * A transaction-scoped advisory lock: processes starting at once on one database migrate one
 * after the other, and the lock goes with the transaction, even when the process dies.
 */
export const POSTGRES_MIGRATION_DIALECT: MigrationDialect = {
  begin: ['begin', `select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`],
  identity: POSTGRES_STORE_IDENTITY,
};
