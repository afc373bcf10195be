import type { SqlStoreIdentity } from '@agentport/store-sql';

// The SQL stores share their error classes; they are re-exported here so this package's users need no other import.
export { MigrationFailedError, SchemaMismatchError, SchemaTooNewError, StoreUnavailableError } from '@agentport/store-sql';

/** How this store names itself in errors. */
export const SQLITE_STORE_IDENTITY: SqlStoreIdentity = {
  packageName: '@agentport/store-sqlite',
  engine: 'SQLite',
  pluginName: 'sqliteStore()',
  locationSetting: 'AGENTPORT_STORE__PATH',
};
