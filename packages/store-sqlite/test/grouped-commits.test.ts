import { ConflictError } from '@agentport/core';
import { MikroORM } from '@mikro-orm/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupedCommitQueue, type TransactionControl } from '../src/grouped-commit-queue.js';
import { connectionOf, transactionControl } from '../src/sqlite-database.js';
import { SqliteStateStore, STORE_ENTITIES } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { assistantMessage, responseRecord, temporaryDirectory, textEvents } from './store-fixtures.js';

const dir = temporaryDirectory('grouped-commits');
afterAll(() => dir.remove());

const tenant = 'tenant_grouped';

/** A SQLite file with one table, its driver connection, and a queue over it whose commits are counted. */
async function queueOnFile(name: string, maxWritesPerCommit?: number) {
  const orm = await MikroORM.init({ dbName: dir.file(name), entities: [...STORE_ENTITIES], debug: false });
  // As the store's connection is: WAL (this connects too).
  await orm.em.getConnection().execute('pragma journal_mode = wal');
  const connection = connectionOf(orm) as unknown as {
    prepare(sql: string): { run(...params: unknown[]): unknown; get(): unknown };
    readonly inTransaction: boolean;
  };
  connection.prepare('create table notes (text blob not null)').run();
  const control = transactionControl(connectionOf(orm));
  const counted = { commits: 0 };
  const tx: TransactionControl = {
    begin: () => control.begin(),
    commit: () => { control.commit(); counted.commits += 1; },
    rollback: () => control.rollback(),
    savepoint: () => control.savepoint(),
    release: () => control.release(),
    rollbackToSavepoint: () => control.rollbackToSavepoint(),
    get inTransaction() { return control.inTransaction; },
  };
  const insert = (text: string | Buffer) => async () => { connection.prepare('insert into notes (text) values (?)').run(text); };
  const count = async () => (connection.prepare('select count(*) as n from notes').get() as { n: number }).n;
  return { orm, connection, queue: new GroupedCommitQueue(tx, maxWritesPerCommit), counted, insert, count };
}

describe('writes queued together share a commit', () => {
  it('commits the writes waiting together at once, at most the group size in one, and settles them in order', async () => {
    const { orm, queue, counted, insert, count } = await queueOnFile('groups.db', 4);
    const settled: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, n) => queue.write(insert(`note ${n}`)).then(() => settled.push(n))));
    expect(settled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 10 writes queued in one tick: groups of 4, 4 and 2.
    expect(counted.commits).toBe(3);
    expect(await queue.read(count)).toBe(10);
    await orm.close(true);
  });

  it('runs a read queued between writes outside any transaction, after the writes before it committed', async () => {
    const { orm, connection, queue, insert, count } = await queueOnFile('reads.db');
    const seen: Array<{ rows: number; inTransaction: boolean }> = [];
    const read = () => queue.read(async () => ({ rows: await count(), inTransaction: connection.inTransaction }));
    await Promise.all([
      queue.write(insert('first')), queue.write(insert('second')), read().then((view) => seen.push(view)),
      queue.write(insert('third')), read().then((view) => seen.push(view)),
    ]);
    expect(seen).toEqual([{ rows: 2, inTransaction: false }, { rows: 3, inTransaction: false }]);
    await orm.close(true);
  });

  it('refuses only the write that filled the disk; the writes its group lost with it run again and are stored', async () => {
    const { orm, connection, queue, insert, count } = await queueOnFile('full.db');
    const pages = (connection.prepare('pragma page_count').get() as { page_count: number }).page_count;
    connection.prepare(`pragma max_page_count = ${pages + 4}`).run();
    const outcomes = await Promise.allSettled([
      queue.write(insert('before')),
      // SQLite ends the whole transaction on a full disk, not only this statement.
      queue.write(insert(Buffer.alloc(200_000))),
      queue.write(insert('after')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_FULL');
    expect(await queue.read(count)).toBe(2);
    await orm.close(true);
  });
});

describe('the store under concurrent writes', () => {
  it('undoes a write that fails halfway alone, and every write is on disk when its caller hears it', async () => {
    const path = dir.file('store.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const raw = await openRawDatabase(path);
    const records = await Promise.all(Array.from({ length: 8 }, () => store.createResponse(responseRecord(tenant))));
    await store.checkpointResponse(tenant, records[3]!.id, { items: [], events: textEvents(0, 3) });

    // All eight ends queue together. The fourth stores its answer, then its events clash with
    // those stored (sequence numbers must grow): that ends it with nothing of it kept.
    const onDisk: string[] = [];
    const ends = records.map((record, n) => store.finishResponse(tenant, record.id, {
      items: [assistantMessage(`answer ${n}`)],
      events: n === 3 ? textEvents(1, 2) : textEvents(0, 2),
      patch: { status: 'completed', completedAt: Math.floor(Date.now() / 1000) },
    }).then(async (ended) => {
      // Another connection (another process) reads it the moment the caller hears success.
      const [row] = await raw.all<{ status: string }>('select status from responses where id = ?', [record.id]);
      if (row?.status === 'completed') onDisk.push(record.id);
      return ended;
    }));
    const outcomes = await Promise.allSettled(ends);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(onDisk.sort()).toEqual(records.filter((_, n) => n !== 3).map((record) => record.id).sort());
    for (const [n, record] of records.entries()) {
      const output = await store.listResponseItems(tenant, record.id, 'output');
      expect(output?.data.map((item) => item.type === 'message' && item.content[0]?.type === 'output_text' ? item.content[0].text : '')).toEqual(n === 3 ? [] : [`answer ${n}`]);
      expect((await store.getResponse(tenant, record.id))?.status).toBe(n === 3 ? 'in_progress' : 'completed');
    }
    expect((await store.readEvents(tenant, records[3]!.id))?.map((event) => event.sequenceNumber)).toEqual([0, 1, 2]);
    await raw.close();
    await store.close();
  });
});
