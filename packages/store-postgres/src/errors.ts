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
