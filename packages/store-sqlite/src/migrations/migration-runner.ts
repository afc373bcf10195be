import {
  assertOrdered, checkApplied, MIGRATIONS_TABLE, MigrationFailedError, type AppliedMigration, type Migration, type MigrationOutcome,
} from '@agentport/store-sql';
import { SQLITE_STORE_IDENTITY } from '../errors.js';

export { MIGRATIONS_TABLE, type MigrationOutcome };

/** The few statements the runner needs, so it works on any connection that runs SQL text. */
export interface SqlRunner {
  run(sql: string, params?: readonly (string | number)[]): Promise<void>;
  all<Row>(sql: string, params?: readonly (string | number)[]): Promise<Row[]>;
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
  checkApplied(applied, migrations, location, SQLITE_STORE_IDENTITY);
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

function readApplied(db: SqlRunner): Promise<AppliedMigration[]> {
  return db.all<AppliedMigration>(`select \`version\`, \`name\` from \`${MIGRATIONS_TABLE}\` order by \`version\``);
}
