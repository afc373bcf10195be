import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStateStore } from '../src/index.js';
import { startTestPostgres, type TestPostgres } from '../src/testing/index.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(() => server?.stop());

async function twoProcesses(url: string, leaseSeconds: [number, number] = [30, 30]): Promise<[PostgresStateStore, PostgresStateStore]> {
  const first = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, leaseSeconds: leaseSeconds[0] });
  const second = await PostgresStateStore.open({ url, purgeIntervalSeconds: 0, leaseSeconds: leaseSeconds[1] });
  return [first, second];
}

describe('PostgreSQL shared key limits', () => {
  it('holds a key\'s run slots over every process: at most the limit at once, a slot given back is free for any', async () => {
    const url = await server.createDatabase();
    const [a, b] = await twoProcesses(url);
    try {
      const taken = await Promise.all(Array.from({ length: 8 }, (_, n) => (n % 2 === 0 ? a : b).keyLimits.acquireRun('key-1', 3)));
      expect(taken.filter(Boolean)).toHaveLength(3);
      expect(await b.keyLimits.acquireRun('key-1', 3)).toBe(false);
      // Another key has its own slots.
      expect(await b.keyLimits.acquireRun('key-2', 3)).toBe(true);

      const holder = taken.findIndex(Boolean) % 2 === 0 ? a : b;
      await holder.keyLimits.releaseRun('key-1');
      const other = holder === a ? b : a;
      expect(await other.keyLimits.acquireRun('key-1', 3)).toBe(true);
      expect(await a.keyLimits.acquireRun('key-1', 3)).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('stops counting the slots of a process whose lease ended', async () => {
    const url = await server.createDatabase();
    // The first renews every 20 minutes: after a second the second takes it for dead.
    const [silent, live] = await twoProcesses(url, [3_600, 1]);
    try {
      expect(await silent.keyLimits.acquireRun('key', 2)).toBe(true);
      expect(await silent.keyLimits.acquireRun('key', 2)).toBe(true);
      expect(await live.keyLimits.acquireRun('key', 2)).toBe(false);
      let freed = false;
      const deadline = Date.now() + 10_000;
      while (!freed && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        freed = await live.keyLimits.acquireRun('key', 2);
      }
      expect(freed).toBe(true);
    } finally {
      await Promise.all([silent.close(), live.close()]);
    }
  });

  it('takes every process\'s requests from one bucket per key, and says how long to wait when it is empty', async () => {
    const url = await server.createDatabase();
    const [a, b] = await twoProcesses(url);
    try {
      const waits: number[] = [];
      for (let n = 0; n < 6; n += 1) waits.push(await (n % 2 === 0 ? a : b).keyLimits.takeRequest('key', 4));
      expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
      // 4 a minute: one more every 15 s.
      for (const wait of waits.slice(4)) {
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(15);
      }
      expect(await a.keyLimits.takeRequest('another-key', 4)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
