import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MIGRATIONS_TABLE, STORE_MIGRATIONS, STORE_SCHEMA_VERSION, SchemaMismatchError, SchemaTooNewError, SqliteStateStore,
  readSchemaVersion, type Migration,
} from '../src/index.js';
import { applyMigrations } from '@agentport/store-sql';
import { SQLITE_MIGRATION_DIALECT } from '../src/migrations/migration-dialect.js';
import { openRawDatabase } from './raw-database.js';
import { responseRecord, temporaryDirectory, userMessage } from './store-fixtures.js';

const dir = temporaryDirectory('migrations');
afterAll(() => dir.remove());

/** Everything SQLite knows about the schema, to compare before and after. */
async function schemaOf(path: string): Promise<string[]> {
  const raw = await openRawDatabase(path);
  try {
    const rows = await raw.all<{ sql: string | null }>("select sql from sqlite_master where name not like 'sqlite_%' order by name");
    return rows.map((row) => row.sql ?? '');
  } finally {
    await raw.close();
  }
}

async function appliedVersions(path: string): Promise<{ version: number; name: string }[]> {
  const raw = await openRawDatabase(path);
  try {
    return await raw.all(`select version, name from ${MIGRATIONS_TABLE} order by version`);
  } finally {
    await raw.close();
  }
}

describe('migrations', () => {
  it('builds a fresh database up to the newest version, creating its directory', async () => {
    const path = join(dir.path, 'fresh', 'nested', 'agentport.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const report = await store.open();
    await store.close();

    expect(existsSync(path)).toBe(true);
    expect(report.migrations).toEqual({ from: 0, to: STORE_SCHEMA_VERSION, applied: STORE_MIGRATIONS.map((m) => m.name) });
    expect(await appliedVersions(path)).toEqual(STORE_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    const raw = await openRawDatabase(path);
    const tables = await raw.all<{ name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name");
    await raw.close();
    expect(tables.map((table) => table.name)).toEqual(['agentport_schema_migrations', 'conversations', 'items', 'response_events', 'response_spans', 'responses', 'store_instances', 'usage_hours']);
  });

  it('builds exactly the schema the entities describe', async () => {
    const path = dir.file('agreement.db');
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
    const raw = await openRawDatabase(path);
    try {
      expect(await raw.schemaDrift()).toBe('');
    } finally {
      await raw.close();
    }
  });

  it('changes nothing on a second start, and keeps the data', async () => {
    const path = dir.file('repeated.db');
    const first = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const response = await first.createResponse(responseRecord('tenant', { status: 'completed', completedAt: 1 }));
    await first.appendItems('tenant', { kind: 'response', responseId: response.id, role: 'input' }, [userMessage('kept')]);
    await first.close();
    const schemaBefore = await schemaOf(path);
    const versionsBefore = await appliedVersions(path);

    const second = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const report = await second.open();
    expect(report.migrations).toEqual({ from: STORE_SCHEMA_VERSION, to: STORE_SCHEMA_VERSION, applied: [] });
    expect(await second.getResponse('tenant', response.id)).toEqual(response);
    expect((await second.listResponseItems('tenant', response.id, 'input'))?.data.map((item) => item.id)).toHaveLength(1);
    await second.close();

    expect(await schemaOf(path)).toEqual(schemaBefore);
    expect(await appliedVersions(path)).toEqual(versionsBefore);
  });

  it('refuses a database migrated by newer code, and leaves it as it was', async () => {
    const path = dir.file('newer.db');
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
    const newer = STORE_SCHEMA_VERSION + 1;
    const raw = await openRawDatabase(path);
    await raw.run(`insert into ${MIGRATIONS_TABLE} (version, name, applied_at) values (?, ?, ?)`, [newer, 'from-the-future', 0]);
    await raw.run("insert into conversations (tenant, id, metadata, created_at) values ('t', 'conv_1', '{}', 0)");
    await raw.close();
    const schemaBefore = await schemaOf(path);

    const store = new SqliteStateStore({ path, purgeIntervalSeconds: 0 });
    const error = await store.open().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect(error).toMatchObject({ code: 'schema_too_new', databaseVersion: newer, knownVersion: STORE_SCHEMA_VERSION });
    expect((error as Error).message).toContain(`schema version ${newer}`);
    expect((error as Error).message).toContain('upgrade @agentport/store-sqlite');
    // The failed store is closed for good, and the database is untouched.
    await expect(store.getConversation('t', 'conv_1')).rejects.toMatchObject({ code: 'store_unavailable' });
    await store.close();
    expect(await schemaOf(path)).toEqual(schemaBefore);
    expect((await appliedVersions(path)).at(-1)).toEqual({ version: newer, name: 'from-the-future' });
    expect(await readSchemaVersionOf(path)).toBe(newer);
  });

  it('refuses a database whose recorded migration has another name', async () => {
    const path = dir.file('foreign.db');
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
    const raw = await openRawDatabase(path);
    await raw.run(`update ${MIGRATIONS_TABLE} set name = 'someone-elses-schema' where version = 1`);
    await raw.close();

    const error = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error).toMatchObject({ code: 'schema_mismatch', version: 1, databaseName: 'someone-elses-schema' });
  });

  it('rolls a failing migration back whole, leaving the previous version', async () => {
    const path = dir.file('failing.db');
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
    const broken: Migration = {
      version: STORE_SCHEMA_VERSION + 1,
      name: 'broken',
      statements: ['create table `half_done` (`a` integer)', 'this is not sql'],
    };
    const raw = await openRawDatabase(path);
    try {
      await expect(applyMigrations(raw.kysely, [...STORE_MIGRATIONS, broken], SQLITE_MIGRATION_DIALECT, 'test'))
        .rejects.toMatchObject({ code: 'migration_failed', version: broken.version, migration: 'broken' });
      expect(await raw.all("select name from sqlite_master where name = 'half_done'")).toEqual([]);
      expect(await readSchemaVersion(raw.kysely)).toBe(STORE_SCHEMA_VERSION);
    } finally {
      await raw.close();
    }
    // The store still opens on it.
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
  });

  it('refuses a list of migrations with a gap', async () => {
    const raw = await openRawDatabase(':memory:');
    try {
      const gap: Migration = { version: STORE_SCHEMA_VERSION + 2, name: 'gap', statements: [] };
      await expect(applyMigrations(raw.kysely, [...STORE_MIGRATIONS, gap], SQLITE_MIGRATION_DIALECT, 'test')).rejects.toMatchObject({ code: 'invalid_migrations' });
    } finally {
      await raw.close();
    }
  });

  it('sets WAL on a file database', async () => {
    const path = dir.file('wal.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    await store.createResponse(responseRecord('tenant'));
    const raw = await openRawDatabase(path);
    try {
      // journal_mode is a property of the file, so a second connection sees it.
      expect(await raw.all('pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(existsSync(`${path}-wal`)).toBe(true);
    } finally {
      await raw.close();
      await store.close();
    }
  });
});

async function readSchemaVersionOf(path: string): Promise<number> {
  const raw = await openRawDatabase(path);
  try {
    return await readSchemaVersion(raw.kysely);
  } finally {
    await raw.close();
  }
}
