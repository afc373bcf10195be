import { AgentportError, errorMarker } from '@agentport/core';
import type { SqlStoreIdentity } from '@agentport/store-sql';

// The SQL stores share their error classes; re-exported so this package's users need no other import.
export { MigrationFailedError, SchemaMismatchError, SchemaTooNewError, StoreUnavailableError } from '@agentport/store-sql';

/** How this store names itself in errors. */
export const POSTGRES_STORE_IDENTITY: SqlStoreIdentity = {
  packageName: '@agentport/store-postgres',
  engine: 'PostgreSQL',
  pluginName: 'postgresStore()',
  locationSetting: 'AGENTPORT_STORE__URL',
};

/**
 * `open()` could not reach or use the database: the server is down or unreachable, the
 * credentials are refused, the database does not exist. The message names the URL (without its
 * password), the server's reason and the setting to check.
 */
export class DatabaseOpenError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-postgres/DatabaseOpenError');

  constructor(readonly location: string, options: ErrorOptions & { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message || (options.cause as { code?: string }).code || 'unknown error' : String(options.cause);
    super('database_open_failed', `could not open the PostgreSQL database ${location}: ${reason}; check ${POSTGRES_STORE_IDENTITY.locationSetting} (or --db)`, options);
  }
}
