import { existsSync } from 'node:fs';
import { ConfigError, createApp, silentLogger, TOKENS } from '@agentport/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE, SQLITE_STORE_DEFAULTS, SchemaTooNewError, SqliteStateStore, sqliteStore } from '../src/index.js';
import { openSqliteOrm } from '../src/sqlite-database.js';
import { openRawDatabase } from './raw-database.js';
import { responseRecord, temporaryDirectory } from './store-fixtures.js';

const dir = temporaryDirectory('plugin');
afterAll(() => dir.remove());

describe('sqliteStore() plugin', () => {
  it('is configured by AGENTPORT_STORE__ env vars, opens at start and closes at stop', async () => {
    const path = dir.file('app/state.db');
    const env = { AGENTPORT_STORE__PATH: path, AGENTPORT_STORE__RETENTION_SECONDS: '3600', AGENTPORT_STORE__PURGE_INTERVAL_SECONDS: '0' };
    const app = await createApp({ plugins: [sqliteStore()], logger: silentLogger, config: { env } });
    expect(app.config['store']).toEqual({ ...SQLITE_STORE_DEFAULTS, path, retentionSeconds: 3600, purgeIntervalSeconds: 0 });

    const store = app.get(TOKENS.StateStore);
    expect(store).toBeInstanceOf(SqliteStateStore);
    await expect(store.getResponse('tenant', 'resp_1')).rejects.toMatchObject({ code: 'store_unavailable', state: 'not_open' });

    await app.start();
    expect(existsSync(path)).toBe(true);
    const created = await store.createResponse(responseRecord('tenant', { status: 'completed', completedAt: 1 }));
    await app.stop();
    await expect(store.getResponse('tenant', created.id)).rejects.toMatchObject({ code: 'store_unavailable', state: 'closed' });

    const reopened = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    expect(await reopened.getResponse('tenant', created.id)).toEqual(created);
    await reopened.close();
  });

  it('has the documented defaults', async () => {
    const app = await createApp({ plugins: [sqliteStore()], logger: silentLogger, config: { env: {} } });
    expect(app.config['store']).toEqual({
      path: './data/agentport.db',
      retentionSeconds: null,
      purgeIntervalSeconds: 60,
      purgeBatchSize: 500,
      busyTimeoutMs: 5000,
      synchronous: 'normal',
      cacheSizeMb: 16,
      recoverOnStart: true,
      leaseSeconds: 30,
    });
    // Never started, so nothing was created.
    await app.stop();
  });

  it('opens the connection with the configured page cache, busy timeout and sync mode', async () => {
    const orm = await openSqliteOrm({ path: dir.file('pragmas.db'), busyTimeoutMs: 1234, synchronous: 'full', cacheSizeMb: 3 });
    const connection = orm.em.getConnection();
    const pragma = async (name: string) => Object.values((await connection.execute<Record<string, unknown>[]>(`pragma ${name}`))[0] ?? {})[0];
    // A negative cache_size is in KiB: 3 MiB.
    expect(await pragma('cache_size')).toBe(-3 * 1024);
    expect(await pragma('busy_timeout')).toBe(1234);
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('journal_mode')).toBe('wal');
    await orm.close(true);
  });

  it('reports every bad value at once, by env name', async () => {
    const env = { AGENTPORT_STORE__SYNCHRONOUS: 'off', AGENTPORT_STORE__PURGE_BATCH_SIZE: '0', AGENTPORT_STORE__RETENTION_SECONDS: 'a week' };
    const error = await createApp({ plugins: [sqliteStore()], logger: silentLogger, config: { env } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('AGENTPORT_STORE__SYNCHRONOUS');
    expect(problems).toContain('AGENTPORT_STORE__PURGE_BATCH_SIZE');
    expect(problems).toContain('AGENTPORT_STORE__RETENTION_SECONDS');
  });

  it('gives options set in code the same checks as the plugin config', () => {
    expect(() => new SqliteStateStore({ purgeBatchSize: 0, busyTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => new SqliteStateStore({ cacheSizeMb: 0 })).toThrow(/cacheSizeMb/);
    expect(() => new SqliteStateStore({ path: '' })).toThrow(/path/);
    expect(() => new SqliteStateStore({ path: ':memory:', retentionSeconds: 60 })).not.toThrow();
  });

  it('fails app.start() on a database newer than the code', async () => {
    const path = dir.file('newer.db');
    await (await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 })).close();
    const raw = await openRawDatabase(path);
    await raw.run(`insert into ${MIGRATIONS_TABLE} (version, name, applied_at) values (99, 'later', 0)`);
    await raw.close();

    const app = await createApp({ plugins: [sqliteStore()], logger: silentLogger, config: { env: {}, overrides: { store: { path } } } });
    const error = await app.start().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'plugin_error', plugin: 'store' });
    expect((error as Error).cause).toBeInstanceOf(SchemaTooNewError);
    await app.stop();
  });
});
