import type { ErrorCatalogue } from '@agentport/core';
import { SQL_STORE_ERRORS } from '@agentport/store-sql';

/** The store's codes (those every SQL store shares); it also throws the port's `NotFoundError` and `ConflictError` (see `CORE_ERRORS`). */
export const POSTGRES_STORE_ERRORS = { ...SQL_STORE_ERRORS } as const satisfies ErrorCatalogue;
