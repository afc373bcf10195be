import type { ErrorCatalogue } from '@agentport/core';

/**
 * The codes every SQL store raises; each driver's catalogue includes them. The stores also throw
 * the port's `NotFoundError` and `ConflictError` (see `CORE_ERRORS`).
 */
export const SQL_STORE_ERRORS = {
  schema_too_new: 'The database was migrated by a newer version of the store; nothing is changed (SchemaTooNewError).',
  schema_mismatch: 'The database records a migration under another name: other code made it (SchemaMismatchError).',
  migration_failed: 'A migration failed and was rolled back; the schema is still at the version before it (MigrationFailedError).',
  invalid_migrations: 'The migration list is not numbered 1, 2, 3, … in order (a bug in the package).',
  store_unavailable: 'The store is used before open() / app.start(), or after close() (StoreUnavailableError).',
} as const satisfies ErrorCatalogue;
