import { sql, type Kysely } from 'kysely';
import type { SqlStoreIdentity } from './errors.js';
import { MigrationFailedError } from './errors.js';
import { assertOrdered, checkApplied, MIGRATIONS_TABLE, type AppliedMigration, type Migration, type MigrationOutcome } from './migration-checks.js';

/** What differs between drivers when migrating: how a transaction takes the database's migration lock. */
export interface MigrationDialect {
  /**
   * Statements that begin a transaction holding a lock no other migrator gets until it ends, so
   * two processes starting at once apply each version once (SQLite: `begin immediate`;
   * PostgreSQL: `begin` and a transaction-scoped advisory lock).
   */
  readonly begin: readonly string[];
  readonly identity: SqlStoreIdentity;
}

// The runner reads and writes only its own table, whatever the store's tables are.
type AnyDb = Kysely<any>;

/**
 * Brings the database to the newest version of `migrations`: each pending one in its own
 * transaction together with its record, so a crash leaves the schema at a whole version.
 * A database already current is left untouched; one newer than the code is refused.
 * `location` only names the database in error messages. Runs on one connection of `db`.
 */
export async function applyMigrations(
  db: AnyDb, migrations: readonly Migration[], dialect: MigrationDialect, location: string,
): Promise<MigrationOutcome> {
  assertOrdered(migrations);
  return db.connection().execute(async (connection) => {
    // Under the lock too: two servers creating the same table at once can clash in the catalog.
    await inLockedTransaction(connection, dialect, () => createRecordTable(connection));
    const applied = await readApplied(connection);
    checkApplied(applied, migrations, location, dialect.identity);
    const from = applied.at(-1)?.version ?? 0;

    const names: string[] = [];
    for (const migration of migrations.filter((m) => m.version > from)) {
      try {
        await inLockedTransaction(connection, dialect, async () => {
          // Read again under the lock: another process may have applied it meanwhile.
          const current = (await readApplied(connection)).at(-1)?.version ?? 0;
          if (current >= migration.version) return;
          for (const statement of migration.statements) await sql.raw(statement).execute(connection);
          await recordApplied(connection, migration);
          names.push(migration.name);
        });
      } catch (error) {
        throw new MigrationFailedError(location, migration.version, migration.name, { cause: error });
      }
    }
    return { from, to: migrations.at(-1)?.version ?? from, applied: names };
  });
}

/** Runs `work` in a transaction that holds the migration lock; rolls back on failure. */
async function inLockedTransaction(connection: AnyDb, dialect: MigrationDialect, work: () => Promise<unknown>): Promise<void> {
  for (const statement of dialect.begin) await sql.raw(statement).execute(connection);
  try {
    await work();
    await sql.raw('commit').execute(connection);
  } catch (error) {
    await sql.raw('rollback').execute(connection).catch(() => undefined);
    throw error;
  }
}

/** The schema version a database is at (0 when it has none), without changing anything. */
export async function readSchemaVersion(db: AnyDb): Promise<number> {
  const tables = await db.introspection.getTables();
  if (!tables.some((table) => table.name === MIGRATIONS_TABLE)) return 0;
  return (await readApplied(db)).at(-1)?.version ?? 0;
}

function createRecordTable(db: AnyDb) {
  const columns = sql`"version" integer not null primary key, "name" text not null, "applied_at" bigint not null`;
  return sql`create table if not exists ${sql.table(MIGRATIONS_TABLE)} (${columns})`.execute(db);
}

function recordApplied(db: AnyDb, migration: Migration) {
  const values = sql`${migration.version}, ${migration.name}, ${Math.floor(Date.now() / 1000)}`;
  return sql`insert into ${sql.table(MIGRATIONS_TABLE)} ("version", "name", "applied_at") values (${values})`.execute(db);
}

async function readApplied(db: AnyDb): Promise<AppliedMigration[]> {
  const { rows } = await sql<AppliedMigration>`select "version", "name" from ${sql.table(MIGRATIONS_TABLE)} order by "version"`.execute(db);
  return rows;
}
