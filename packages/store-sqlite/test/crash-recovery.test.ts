import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_RESTARTED, SqliteStateStore } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { temporaryDirectory } from './store-fixtures.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/write-until-killed.mjs', import.meta.url));
const builtPackage = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = temporaryDirectory('crash');
const tenant = 'tenant_crash';
const COMPLETED = 5;

beforeAll(() => {
  // The child imports the built package, so build it (and core) first.
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'packages/store-sqlite'], {
    cwd: repositoryRoot, encoding: 'utf8',
  });
  if (!existsSync(builtPackage)) throw new Error(`could not build packages/store-sqlite:\n${tsc.stdout}${tsc.stderr}`);
});

afterAll(() => dir.remove());

/** Runs the writer until it reports it is writing the last response, then kills it with SIGKILL. */
async function runAndKill(path: string): Promise<string[]> {
  const child = spawn(process.execPath, [fixture, path, String(COMPLETED)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const completed: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const [what, id] = line.split(' ');
    if (what === 'completed' && id) completed.push(id);
    if (what === 'writing') {
      child.kill('SIGKILL');
      break;
    }
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the writer ended before it was killed (signal ${String(signal)}):\n${stderr}`);
  return completed;
}

describe('a writer killed with SIGKILL', () => {
  it('leaves a database that opens, with completed responses intact and the interrupted one incomplete', async () => {
    const path = dir.file('crash.db');
    const completed = await runAndKill(path);
    expect(completed).toEqual(Array.from({ length: COMPLETED }, (_, n) => `resp_done_${n}`));

    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    expect((await store.open()).recovered).toEqual(['resp_interrupted']);

    for (const [n, id] of completed.entries()) {
      const response = await store.getResponse(tenant, id);
      expect(response).toMatchObject({ status: 'completed', usage: { total_tokens: n }, incompleteDetails: null });
      expect((await store.loadHistory(tenant, { kind: 'previous_response', responseId: id }))?.map((item) => item.id))
        .toEqual([`msg_q_${n}`, `msg_a_${n}`]);
      expect((await store.readEvents(tenant, id))?.map((event) => event.sequenceNumber)).toEqual([0, 1, 2]);
    }

    const interrupted = await store.getResponse(tenant, 'resp_interrupted');
    expect(interrupted).toMatchObject({ status: 'incomplete', incompleteDetails: { reason: SERVER_RESTARTED }, completedAt: null });
    // Every write that finished is there, whole and in order; the one cut short left nothing.
    const history = (await store.loadHistory(tenant, { kind: 'previous_response', responseId: 'resp_interrupted' })) ?? [];
    const parts = history.slice(1).map((item) => item.id);
    expect(history[0]?.id).toBe('msg_q_interrupted');
    expect(parts.length).toBeGreaterThan(50);
    expect(parts).toEqual(parts.map((_, n) => `msg_part_${n}`));
    const events = (await store.readEvents(tenant, 'resp_interrupted'))?.map((event) => event.sequenceNumber) ?? [];
    expect(events).toEqual(events.map((_, n) => n));
    expect([parts.length - 1, parts.length]).toContain(events.length);
    await store.close();

    const raw = await openRawDatabase(path);
    expect(await raw.all('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await raw.all('pragma foreign_key_check')).toEqual([]);
    await raw.close();
  });
});
