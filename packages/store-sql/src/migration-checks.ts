import { AgentportError } from '@agentport/core';
import { SchemaMismatchError, SchemaTooNewError, type SqlStoreIdentity } from './errors.js';

/** One step of a store's schema, shipped with its driver and applied once, in version order. */
export interface Migration {
  /** 1, 2, 3, …: contiguous, never reused. */
  readonly version: number;
  /** Recorded beside the version, so a database made by other code is told apart. */
  readonly name: string;
  /** Statements in the driver's SQL, run in one transaction with the version's record. */
  readonly statements: readonly string[];
}

export interface MigrationOutcome {
  /** The schema version found (0 for a new database). */
  readonly from: number;
  /** The schema version now. */
  readonly to: number;
  /** The names of the migrations this call applied, in order; empty when the schema was current. */
  readonly applied: readonly string[];
}

/** A version the database records as applied. */
export interface AppliedMigration {
  version: number;
  name: string;
}

/** Where every SQL store records its applied versions; the entities do not describe it. */
export const MIGRATIONS_TABLE = 'agentport_schema_migrations';

/** Refuses a database newer than the code, or one whose recorded versions carry other names. */
export function checkApplied(applied: readonly AppliedMigration[], migrations: readonly Migration[], location: string, store: SqlStoreIdentity): void {
  const known = migrations.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > known) throw new SchemaTooNewError(location, newest, known, store);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = byVersion.get(row.version);
    if (migration && migration.name !== row.name) throw new SchemaMismatchError(location, row.version, row.name, migration.name, store);
  }
}

/** A gap or a repeat in the list is the package's bug; refuse to run rather than skip a step. */
export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AgentportError('invalid_migrations', `migrations must be numbered 1, 2, 3, … in order; position ${index} has version ${migration.version}`);
    }
  });
}
