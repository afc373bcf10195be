import { AgentportError, errorMarker } from '@agentport/core';

/**
 * The database was migrated by a newer `@agentport/store-sqlite` than this one. Nothing is
 * changed: running old code on a newer schema could lose data.
 */
export class SchemaTooNewError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sqlite/SchemaTooNewError');

  constructor(readonly location: string, readonly databaseVersion: number, readonly knownVersion: number) {
    super(
      'schema_too_new',
      `the database ${location} has schema version ${databaseVersion}, but this @agentport/store-sqlite knows versions up to ${knownVersion}: `
        + 'upgrade @agentport/store-sqlite, or point AGENTPORT_STORE__PATH at another database',
    );
  }
}

/** A schema version recorded in the database names a different migration than this code's. */
export class SchemaMismatchError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sqlite/SchemaMismatchError');

  constructor(readonly location: string, readonly version: number, readonly databaseName: string, readonly knownName: string) {
    super(
      'schema_mismatch',
      `the database ${location} records migration ${version} as "${databaseName}", but this @agentport/store-sqlite calls it "${knownName}": `
        + 'it was made by other code; point AGENTPORT_STORE__PATH at another database',
    );
  }
}

/** A migration failed; its transaction was rolled back, so the schema is still at the version before it. */
export class MigrationFailedError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sqlite/MigrationFailedError');

  constructor(readonly location: string, readonly version: number, readonly migration: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('migration_failed', `migration ${version} ("${migration}") of the database ${location} failed and was rolled back${reason}`, options);
  }
}

/** The store was used before `open()` finished (or before the app started), or after `close()`. */
export class StoreUnavailableError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/store-sqlite/StoreUnavailableError');

  constructor(readonly state: 'not_open' | 'closed') {
    super(
      'store_unavailable',
      state === 'not_open'
        ? 'the SQLite state store is not open yet: call open() (the sqliteStore() plugin opens it when the app starts)'
        : 'the SQLite state store is closed',
    );
  }
}
