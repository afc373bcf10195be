import type { ErrorCatalogue } from '@agentport/core';
import { SQL_STORE_ERRORS } from '@agentport/store-sql';

/** The store's codes (those every SQL store shares); it also throws the port's `NotFoundError` and `ConflictError` (see `CORE_ERRORS`). */
export const POSTGRES_STORE_ERRORS = {
  ...SQL_STORE_ERRORS,
  database_open_failed: 'open() could not reach or use the database (server down, credentials refused, no such database); the message names the URL without its password (DatabaseOpenError).',
} as const satisfies ErrorCatalogue;
