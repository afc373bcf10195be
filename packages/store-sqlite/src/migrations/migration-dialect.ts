import type { MigrationDialect } from '@agentport/store-sql';
import { SQLITE_STORE_IDENTITY } from '../errors.js';

/** SQLite takes its write lock with `begin immediate`, so two processes starting at once migrate one after the other. */
export const SQLITE_MIGRATION_DIALECT: MigrationDialect = { begin: ['begin immediate'], identity: SQLITE_STORE_IDENTITY };
