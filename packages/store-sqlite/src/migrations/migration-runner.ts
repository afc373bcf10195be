import { AgentportError } from '@agentport/core';
import { MigrationFailedError, SchemaMismatchError, SchemaTooNewError } from '../errors.js';
import type { Migration } from './migration.js';

/** Where the applied versions are recorded; the entities do not describe it. */
export const MIGRATIONS_TABLE = 'agentport_schema_migrations';

/** The few statements the runner needs, so it works on any connection that runs SQL text. */
export interface SqlRunner {
  run(sql: string, params?: readonly (string | number)[]): Promise<void>;
  all<Row>(sql: string, params?: readonly (string | number)[]): Promise<Row[]>;
}

export interface MigrationOutcome {
  /** The schema version found (0 for a new database). */
  readonly from: number;
  /** The schema version now. */
  readonly to: number;
  /** The names of the migrations this call applied, in order; empty when the schema was current. */
  readonly applied: readonly string[];
}

interface AppliedRow {
  version: number;
  name: string;
}

/**
 * Brings the database to the newest version of `migrations`: each pending one in its own
 * transaction together with its record, so a crash leaves the schema at a whole version.
 * A database already current is left untouched; one newer than the code is refused.
 * `location` only names the database in error messages.
 */
export async function applyMigrations(db: SqlRunner, migrations: readonly Migration[], location: string): Promise<MigrationOutcome> {
  assertOrdered(migrations);
  await db.run(`create table if not exists \`${MIGRATIONS_TABLE}\` (\`version\` integer not null primary key, \`name\` text not null, \`applied_at\` integer not null)`);
  const applied = await readApplied(db);
  checkApplied(applied, migrations, location);
  const from = applied.at(-1)?.version ?? 0;

  const names: string[] = [];
  for (const migration of migrations.filter((m) => m.version > from)) {
    // `immediate` takes the write lock first, so two processes starting at once apply each version once.
    await db.run('begin immediate');
    try {
      const current = (await readApplied(db)).at(-1)?.version ?? 0;
      if (current < migration.version) {
        for (const statement of migration.statements) await db.run(statement);
        await db.run(`insert into \`${MIGRATIONS_TABLE}\` (\`version\`, \`name\`, \`applied_at\`) values (?, ?, ?)`,
          [migration.version, migration.name, Math.floor(Date.now() / 1000)]);
        names.push(migration.name);
      }
      await db.run('commit');
    } catch (error) {
      await db.run('rollback').catch(() => undefined);
      throw new MigrationFailedError(location, migration.version, migration.name, { cause: error });
    }
  }
  return { from, to: migrations.at(-1)?.version ?? from, applied: names };
}

/** The schema version a database is at (0 when it has none), without changing anything. */
export async function readSchemaVersion(db: SqlRunner): Promise<number> {
  const tables = await db.all<{ name: string }>("select name from sqlite_master where type = 'table' and name = ?", [MIGRATIONS_TABLE]);
  if (tables.length === 0) return 0;
  return (await readApplied(db)).at(-1)?.version ?? 0;
}

function readApplied(db: SqlRunner): Promise<AppliedRow[]> {
  return db.all<AppliedRow>(`select \`version\`, \`name\` from \`${MIGRATIONS_TABLE}\` order by \`version\``);
}

function checkApplied(applied: readonly AppliedRow[], migrations: readonly Migration[], location: string): void {
  const known = migrations.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > known) throw new SchemaTooNewError(location, newest, known);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = byVersion.get(row.version);
    if (migration && migration.name !== row.name) throw new SchemaMismatchError(location, row.version, row.name, migration.name);
  }
}

/** A gap or a repeat in the list is the package's bug; refuse to run rather than skip a step. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AgentportError('invalid_migrations', `migrations must be numbered 1, 2, 3, … in order; position ${index} has version ${migration.version}`);
    }
  });
}
