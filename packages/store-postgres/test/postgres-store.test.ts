import type { Item } from '@agentport/core';
import { ConfigError, StoreFaultError } from '@agentport/core';
import {
  assistantMessage, sampleConversationRecord as conversationRecord, sampleResponseRecord as responseRecord, userMessage,
} from '@agentport/core/testing';
import { STORE_ENTITIES } from '@agentport/store-sql';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_LIMIT_TABLES, MIGRATIONS_TABLE, PostgresStateStore, STORE_MIGRATIONS, STORE_SCHEMA_VERSION } from '../src/index.js';
import { startTestPostgres, type TestPostgres } from '../src/testing/index.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(() => server?.stop());

const tenant = 'tenant_pg';

/** Runs one statement on its own connection, as another program would. */
async function query<Row>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe('PostgreSQL store: migrations', () => {
  it('builds a new database to the newest version, the schema the shared entities describe', async () => {
    const url = await server.createDatabase();
    const store = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 });
    const report = await store.open();
    await store.close();
    expect(report.migrations).toEqual({ from: 0, to: STORE_SCHEMA_VERSION, applied: STORE_MIGRATIONS.map((m) => m.name) });

    const tables = await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public' order by tablename");
    expect(tables.map((row) => row.tablename)).toEqual([MIGRATIONS_TABLE, 'conversations', 'items', 'key_request_buckets', 'key_run_slots', 'response_events', 'response_spans', 'responses', 'store_instances', 'usage_hours']);
    const orm = await MikroORM.init({ clientUrl: url, entities: [...STORE_ENTITIES], debug: false, schemaGenerator: { skipTables: [MIGRATIONS_TABLE, ...KEY_LIMIT_TABLES] } });
    try {
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close(true);
    }

    const again = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 });
    expect((await again.open()).migrations.applied).toEqual([]);
    await again.close();
  });

  it('applies each migration once when five processes open a new database at the same moment', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresStateStore.open({ url, purgeIntervalSeconds: 0, poolSize: 2 })));
    const applied = await Promise.all(stores.map(async (store) => (await store.open()).migrations.applied.length));
    await Promise.all(stores.map((store) => store.close()));
    // Each version in its own transaction, so one process may apply the first and another the next.
    expect(applied.reduce((sum, count) => sum + count, 0)).toBe(STORE_MIGRATIONS.length);
    expect(await query(url, `select version, name from ${MIGRATIONS_TABLE}`)).toEqual(STORE_MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it('refuses a database migrated by a newer version, naming the package and the setting', async () => {
    const url = await server.createDatabase();
    await (await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 })).close();
    await query(url, `insert into ${MIGRATIONS_TABLE} (version, name, applied_at) values ($1, 'from-the-future', 0)`, [STORE_SCHEMA_VERSION + 1]);
    const error = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'schema_too_new', databaseVersion: STORE_SCHEMA_VERSION + 1 });
    expect((error as Error).message).toContain('upgrade @agentport/store-postgres');
    expect((error as Error).message).toContain('AGENTPORT_STORE__URL');
  });
});

describe('PostgreSQL store: several processes on one database', () => {
  it('gives appends from two processes to one conversation distinct, gap-free positions', async () => {
    const url = await server.createDatabase();
    // Two stores, two pools: what two gateway processes do.
    const [first, second] = await Promise.all([0, 1].map(() => PostgresStateStore.open({ url, purgeIntervalSeconds: 0, poolSize: 4 })));
    try {
      const conversation = await first!.createConversation(conversationRecord(tenant));
      const responses = await Promise.all(Array.from({ length: 10 }, (_, n) =>
        (n % 2 === 0 ? first! : second!).createResponse(responseRecord(tenant, { conversationId: conversation.id }))));
      const batches: [Item, Item][] = Array.from({ length: 40 }, (_, n) => [userMessage(`batch ${n} first`), assistantMessage(`batch ${n} second`)]);
      await Promise.all(batches.map((batch, n) => {
        const store = n % 2 === 0 ? first! : second!;
        const response = n % 4 === 0 ? responses[n / 4] : undefined;
        return response
          ? store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, batch)
          : store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, batch);
      }));

      const history = await second!.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id });
      expect(history).toHaveLength(80);
      // Each batch whole and in order, whichever process wrote it.
      for (let at = 0; at < history!.length; at += 2) {
        expect(history![at + 1]!.id).toBe(batches.find((batch) => batch[0].id === history![at]!.id)![1].id);
      }
      const positions = await query<{ conversation_position: number }>(url, 'select conversation_position from items order by conversation_position');
      expect(positions.map((row) => row.conversation_position)).toEqual(Array.from({ length: 80 }, (_, n) => n + 1));
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('sees what another process stored at once', async () => {
    const url = await server.createDatabase();
    const [writer, reader] = await Promise.all([0, 1].map(() => PostgresStateStore.open({ url, purgeIntervalSeconds: 0 })));
    try {
      const record = await writer!.createResponse(responseRecord(tenant), [userMessage('hello from the first process')]);
      expect(await reader!.getResponse(tenant, record.id)).toEqual(record);
      expect(await reader!.loadHistory(tenant, { kind: 'previous_response', responseId: record.id })).toHaveLength(1);
    } finally {
      await Promise.all([writer!.close(), reader!.close()]);
    }
  });

  it('does not end other processes\' runs when it starts (recoverOnStart is off by default)', async () => {
    const url = await server.createDatabase();
    const running = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 });
    const record = await running.createResponse(responseRecord(tenant, { status: 'in_progress' }));
    const starting = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 });
    try {
      expect((await starting.open()).recovered).toEqual([]);
      expect((await starting.getResponse(tenant, record.id))?.status).toBe('in_progress');
    } finally {
      await Promise.all([running.close(), starting.close()]);
    }
  });
});

describe('PostgreSQL store: run leases', () => {
  it('ends the running responses of an instance that stopped renewing its lease, and only those', async () => {
    const url = await server.createDatabase();
    // Renews every 20 minutes: to an instance with a 1 s lease it looks dead after a second.
    const silent = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, leaseSeconds: 3_600 });
    const live = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, leaseSeconds: 1 });
    try {
      const orphan = await silent.createResponse(responseRecord(tenant, { status: 'in_progress' }), [userMessage('left running')]);
      const finished = await silent.createResponse(responseRecord(tenant, { status: 'completed' }));
      const own = await live.createResponse(responseRecord(tenant, { status: 'in_progress' }));
      const owners = await query<{ id: string; owner: string | null }>(url, 'select id, owner from responses order by seq');
      expect(owners).toEqual([
        { id: orphan.id, owner: silent.instanceId }, { id: finished.id, owner: null }, { id: own.id, owner: live.instanceId },
      ]);

      // The live instance's lease job (every third of a second) ends the orphan by itself.
      const deadline = Date.now() + 10_000;
      while ((await live.getResponse(tenant, orphan.id))?.status === 'in_progress' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await live.getResponse(tenant, orphan.id)).toMatchObject({ status: 'incomplete', incompleteDetails: { reason: 'instance_lost' } });
      expect(await live.loadHistory(tenant, { kind: 'previous_response', responseId: orphan.id })).toHaveLength(1);
      expect((await live.getResponse(tenant, finished.id))?.status).toBe('completed');
      expect((await live.getResponse(tenant, own.id))?.status).toBe('in_progress');
      expect(await query(url, 'select id from store_instances')).toEqual([{ id: live.instanceId }]);
    } finally {
      await Promise.all([silent.close(), live.close()]);
    }
    expect(await query(url, 'select id from store_instances')).toEqual([]);
  });
});

describe('PostgreSQL store: connections', () => {
  it('goes on after the server drops its connections', async () => {
    const url = await server.createDatabase();
    const store = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, poolSize: 3 });
    try {
      const record = await store.createResponse(responseRecord(tenant));
      await Promise.all([1, 2, 3].map(() => store.getResponse(tenant, record.id)));
      const database = new URL(url).pathname.slice(1);
      const dropped = await query<{ ok: boolean }>(url,
        "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and application_name = 'agentport'", [database]);
      expect(dropped.length).toBeGreaterThan(0);
      // The pool finds its connections dead and opens new ones; at most the operations that held one fail.
      let answer: unknown;
      for (let attempt = 0; attempt < 3 && answer === undefined; attempt += 1) {
        answer = await store.getResponse(tenant, record.id).catch(() => undefined);
      }
      expect(answer).toEqual(record);
    } finally {
      await store.close();
    }
  });

  it.skipIf(process.env.AGENTPORT_TEST_POSTGRES_URL !== undefined)('fails operations clearly while the server is down, and works again once it is back', async () => {
    const url = await server.createDatabase();
    const store = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, connectTimeoutMs: 1_000 });
    try {
      const record = await store.createResponse(responseRecord(tenant));
      await server.suspend();
      try {
        // A fault of the storage, typed as such: a server answers it 503 store_unreachable.
        await expect(store.getResponse(tenant, record.id)).rejects.toMatchObject({ name: 'StoreFaultError', kind: 'unreachable', code: 'store_unreachable' });
        await expect(store.createConversation(conversationRecord(tenant))).rejects.toMatchObject({ code: 'store_unreachable' });
      } finally {
        await server.resume();
      }
      expect(await store.getResponse(tenant, record.id)).toEqual(record);
    } finally {
      await store.close();
    }
  });

  it('says a read-only database is one (store_read_only), stores nothing, and writes again once it takes writes', async () => {
    const url = await server.createDatabase();
    const database = new URL(url).pathname.slice(1);
    const store = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0 });
    const reconnect = () => query(url, "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'agentport'", [database]);
    try {
      const record = await store.createResponse(responseRecord(tenant));
      // As a standby, or a database an operator froze: every new session is read-only.
      await query(url, `alter database "${database}" set default_transaction_read_only = on`);
      await reconnect();
      const refused = responseRecord(tenant);
      let fault: unknown;
      for (let attempt = 0; attempt < 3 && fault === undefined; attempt += 1) {
        // The first operation after the drop may meet a dead pooled connection; the next gets a fresh, read-only one.
        fault = await store.createResponse(refused).then(() => 'stored', (error: unknown) => (StoreFaultError.is(error) && error.kind === 'unreachable' ? undefined : error));
      }
      expect(fault).toMatchObject({ name: 'StoreFaultError', kind: 'read_only', code: 'store_read_only' });
      expect(await store.getResponse(tenant, record.id)).toEqual(record);
      expect(await store.getResponse(tenant, refused.id)).toBeUndefined();

      // This session starts read-only too: it lifts that for itself first.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query('set default_transaction_read_only = off');
      await admin.query(`alter database "${database}" set default_transaction_read_only = off`);
      await admin.end();
      await reconnect();
      let stored: unknown;
      for (let attempt = 0; attempt < 3 && stored === undefined; attempt += 1) stored = await store.createResponse(refused).catch(() => undefined);
      expect(await store.getResponse(tenant, refused.id)).toMatchObject({ id: refused.id });
    } finally {
      await store.close();
    }
  });

  it('keeps the password out of the location it reports', () => {
    const store = new PostgresStateStore({ url: 'postgres://agentport:s3cret@127.0.0.1:5/agentport' });
    expect(store.location).toBe('postgres://agentport:***@127.0.0.1:5/agentport');
  });

  it('refuses a URL that is not postgres:// and a pool of no connections', () => {
    expect(() => new PostgresStateStore({ url: 'mysql://127.0.0.1/agentport' })).toThrow(ConfigError);
    expect(() => new PostgresStateStore({ poolSize: 0 })).toThrow(/poolSize/);
  });
});
