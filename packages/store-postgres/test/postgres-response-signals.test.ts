import type { ResponseSignal } from '@agentport/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresResponseSignals } from '../src/index.js';
import { startTestPostgres, type TestPostgres } from '../src/testing/index.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(() => server?.stop());

/** Resolves with the first signal `signals` hears that `matches`. */
function nextSignal(signals: PostgresResponseSignals, matches: (signal: ResponseSignal) => boolean): Promise<ResponseSignal> {
  return new Promise((resolve) => {
    const stop = signals.listen((signal) => {
      if (!matches(signal)) return;
      stop();
      resolve(signal);
    });
  });
}

describe('PostgreSQL response signals', () => {
  it('carries a signal from one process to every process on the database, the sender included', async () => {
    const url = await server.createDatabase();
    const [sender, other] = [new PostgresResponseSignals({ url, connectTimeoutMs: 2_000 }), new PostgresResponseSignals({ url, connectTimeoutMs: 2_000 })];
    await Promise.all([sender.open(), other.open()]);
    try {
      const signal: ResponseSignal = { type: 'events', tenant: 'team\u0000"quoted"', responseId: 'resp_1', lastSequence: 41 };
      const heard = Promise.all([nextSignal(other, () => true), nextSignal(sender, () => true)]);
      await sender.send(signal);
      expect(await heard).toEqual([signal, signal]);
      const cancel = nextSignal(other, (s) => s.type === 'cancel');
      await sender.send({ type: 'cancel', tenant: 'team', responseId: 'resp_2' });
      expect(await cancel).toEqual({ type: 'cancel', tenant: 'team', responseId: 'resp_2' });
    } finally {
      await Promise.all([sender.close(), other.close()]);
    }
  });

  it('delivers signals sent all at once in the order they were sent', async () => {
    const url = await server.createDatabase();
    const [sender, other] = [new PostgresResponseSignals({ url, connectTimeoutMs: 2_000 }), new PostgresResponseSignals({ url, connectTimeoutMs: 2_000 })];
    await Promise.all([sender.open(), other.open()]);
    try {
      const heard: number[] = [];
      const all = new Promise<void>((resolve) => other.listen((signal) => {
        if (signal.type === 'events') heard.push(signal.lastSequence);
        if (heard.length === 200) resolve();
      }));
      // Not awaited one by one: a run's event flushes and a cancel can overlap.
      await Promise.all(Array.from({ length: 200 }, (_, sequence) =>
        sender.send({ type: 'events', tenant: 't', responseId: 'resp_order', lastSequence: sequence })));
      await all;
      expect(heard).toEqual(Array.from({ length: 200 }, (_, sequence) => sequence));
    } finally {
      await Promise.all([sender.close(), other.close()]);
    }
  });

  it('listens again after the server drops its connection', async () => {
    const url = await server.createDatabase();
    const listener = new PostgresResponseSignals({ url, connectTimeoutMs: 2_000, reconnectDelayMs: 50 });
    const sender = new PostgresResponseSignals({ url, connectTimeoutMs: 2_000 });
    await Promise.all([listener.open(), sender.open()]);
    try {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rowCount } = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'agentport-signals' and pid <> pg_backend_pid()");
      await admin.end();
      expect(rowCount).toBe(2);
      // Both reconnect; send until the listener hears one (signals sent while it was away are lost, by design).
      const heard = nextSignal(listener, (signal) => signal.type === 'cancel');
      let got: ResponseSignal | undefined;
      heard.then((signal) => { got = signal; }, () => undefined);
      for (let attempt = 0; attempt < 100 && got === undefined; attempt += 1) {
        await sender.send({ type: 'cancel', tenant: 't', responseId: 'resp_after' }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await heard).toEqual({ type: 'cancel', tenant: 't', responseId: 'resp_after' });
    } finally {
      await Promise.all([listener.close(), sender.close()]);
    }
  });
});
