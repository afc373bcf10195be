import { AgentportError, StoreFaultError, errorMarker } from '@agentport/core';

/** Which SQL store raised an error: named in messages, so an operator knows which setting to change. */
export interface SqlStoreIdentity {
  /** The package, e.g. `@agentport/store-sqlite`. */
  readonly packageName: string;
  /** The engine as people say it: `SQLite`, `PostgreSQL`. */
  readonly engine: string;
  /** The plugin factory that opens it, e.g. `sqliteStore()`. */
  readonly pluginName: string;
  /** The setting that points at the database, e.g. `AGENTPORT_STORE__PATH`. */
  readonly locationSetting: string;
}

/**
 * The database was migrated by a newer version of the store than this one. Nothing is
 * changed: running old code on a newer schema could lose data.
 */
export class SchemaTooNewError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sql/SchemaTooNewError');

  constructor(readonly location: string, readonly databaseVersion: number, readonly knownVersion: number, store: SqlStoreIdentity) {
    super(
      'schema_too_new',
      `the database ${location} has schema version ${databaseVersion}, but this ${store.packageName} knows versions up to ${knownVersion}: `
        + `upgrade ${store.packageName}, or point ${store.locationSetting} at another database`,
    );
  }
}

/** A schema version recorded in the database names a different migration than this code's. */
export class SchemaMismatchError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sql/SchemaMismatchError');

  constructor(readonly location: string, readonly version: number, readonly databaseName: string, readonly knownName: string, store: SqlStoreIdentity) {
    super(
      'schema_mismatch',
      `the database ${location} records migration ${version} as "${databaseName}", but this ${store.packageName} calls it "${knownName}": `
        + `it was made by other code; point ${store.locationSetting} at another database`,
    );
  }
}

/** A migration failed; its transaction was rolled back, so the schema is still at the version before it. */
export class MigrationFailedError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sql/MigrationFailedError');

  constructor(readonly location: string, readonly version: number, readonly migration: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('migration_failed', `migration ${version} ("${migration}") of the database ${location} failed and was rolled back${reason}`, options);
  }
}

/** The store was used before `open()` finished (or before the app started), or after `close()`: a fault a server answers 503. */
export class StoreUnavailableError extends StoreFaultError {
  static override readonly marker = errorMarker('@agentport/store-sql/StoreUnavailableError');

  constructor(readonly state: 'not_open' | 'closed', store: SqlStoreIdentity) {
    super(
      'unavailable',
      state === 'not_open'
        ? `the ${store.engine} state store is not open yet: call open() (the ${store.pluginName} plugin opens it when the app starts)`
        : `the ${store.engine} state store is closed`,
    );
  }
}
