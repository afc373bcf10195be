import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSseEvents } from '@agentport/gateway/testing';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServingCli } from './cli-process.js';

/**
 * Storage faults as they happen: the database on a small tmpfs this test mounts (root, as CI
 * runs), filled to the last byte; another process holding the database's write lock. The
 * gateway must answer 503 with the fault's code, keep reading, store nothing half, and recover
 * by itself when the fault clears.
 */
const MODEL = 'Qwen/Qwen3-8B';
let fake: FakeVllmServer;
let disk: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  fake = await new FakeVllmServer({ models: [{ id: MODEL, maxModelLen: 32_768 }] }).start();
  disk = mkdtempSync(join(tmpdir(), 'agentport-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`this test mounts a 24 MiB tmpfs to fill it, which needs root (CI runs as root): ${String(error)}`);
  }
});
afterAll(async () => {
  await fake?.close();
  if (disk) {
    execFileSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  }
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(db: string, env: NodeJS.ProcessEnv = {}): Promise<{ serving: ServingCli; client: OpenAI }> {
  const serving = await startServe(['--port', '0', '--upstream', fake.url, '--db', db, '--api-key', 'key-a:team'], {
    AGENTPORT_GATEWAY__STORE_RETRY_MS: '100', ...env,
  });
  cleanups.push(serving.kill);
  return { serving, client: new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: 'key-a', maxRetries: 0 }) };
}

/** Fills the disk with one file until the kernel says there is no room; returns how to free it. */
function fillDisk(): () => void {
  const filler = join(disk, 'filler');
  const block = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  try {
    for (;;) {
      writeFileSync(filler, block, { flag: 'a' });
      written += block.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  expect(written).toBeGreaterThan(0);
  return () => rmSync(filler, { force: true });
}

async function errorBody(response: Response): Promise<{ message: string; type: string; param: string | null; code: string }> {
  const body = await response.json() as { error: { message: string; type: string; param: string | null; code: string } };
  return body.error;
}

function post(serving: ServingCli, body: unknown): Promise<Response> {
  return fetch(`${serving.url}/v1/responses`, {
    method: 'POST', headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw: ${what}`);
    await sleep(50);
  }
}

describe('storage faults', () => {
  it('a full disk: 503 store_full with nothing stored, reads go on, a stream whose end cannot be stored ends failed, and all recovers when space comes back', async () => {
    const db = join(disk, 'full.db');
    const { serving, client } = await serve(db);
    fake.enqueue({ parts: [{ type: 'text', text: 'Stored before.' }] });
    const before = await client.responses.create({ model: MODEL, input: 'first' });

    // A stream that starts while there is room, then the disk fills before its answer (larger than any free page) is stored.
    fake.enqueue({ parts: [{ type: 'text', text: 'Begun. ' }, { type: 'delay', ms: 800 }, { type: 'text', text: 'y'.repeat(1_500_000), chunks: 1 }] });
    const streaming = await post(serving, { model: MODEL, input: 'a long answer', stream: true });
    expect(streaming.status).toBe(200);
    const freeDisk = fillDisk();
    cleanups.push(freeDisk);
    const events = await readSseEvents(streaming);
    const terminal = events.at(-1) as unknown as { type: string; response: { id: string; status: string; error: { code: string; message: string } } };
    expect(terminal.type).toBe('response.failed');
    expect(terminal.response.error.code).toBe('store_full');
    expect(terminal.response.error.message).toMatch(/no room to write/);
    expect(events.some((event) => event.type === 'response.completed')).toBe(false);

    // A new response cannot be stored: 503 with the fault's code, OpenAI-shaped, and nothing of it written.
    const chatRequests = fake.chatRequests.length;
    const refused = await post(serving, { model: MODEL, input: 'x'.repeat(1_500_000) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const refusal = await errorBody(refused);
    expect(refusal).toMatchObject({ type: 'server_error', code: 'store_full', param: null });
    expect(refusal.message).not.toContain(db);
    expect(fake.chatRequests.length).toBe(chatRequests);
    const rows = new DatabaseSync(db, { readOnly: true });
    expect(rows.prepare('select count(*) as n from responses').get()).toEqual({ n: 2 });
    expect(rows.prepare('select count(*) as n from items where length(payload) > 1000000').get()).toEqual({ n: 0 });
    rows.close();
    // What was stored before still reads.
    expect((await client.responses.retrieve(before.id)).output_text).toBe('Stored before.');
    const ready = await fetch(`${serving.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json() as { checks: { store: string } }).checks.store).toMatch(/^failing: .*store_full/);

    freeDisk();
    // The failed stream's end is written once the store takes writes again: as the client saw it.
    await eventually(async () => (await client.responses.retrieve(terminal.response.id)).status === 'failed', 'the stream\'s end stored');
    const stored = await client.responses.retrieve(terminal.response.id);
    expect(stored.error).toMatchObject({ code: 'store_full' });
    const replayed = await readSseEvents(await fetch(`${serving.url}/v1/responses/${terminal.response.id}?stream=true`, { headers: { authorization: 'Bearer key-a' } }));
    expect(replayed.map((event) => event.type)).toEqual(events.map((event) => event.type));

    fake.enqueue({ parts: [{ type: 'text', text: 'Room again.' }] });
    expect((await client.responses.create({ model: MODEL, input: 'x'.repeat(1_500_000) })).output_text).toBe('Room again.');
    await eventually(async () => (await fetch(`${serving.url}/readyz`)).status === 200, 'ready again');
  });

  it('a database another process keeps locked: 503 store_locked after the busy timeout, reads go on, writes resume once it lets go', async () => {
    const db = join(disk, 'locked.db');
    const { serving, client } = await serve(db, { AGENTPORT_STORE__BUSY_TIMEOUT_MS: '200' });
    fake.enqueue({ parts: [{ type: 'text', text: 'Before the lock.' }] });
    const before = await client.responses.create({ model: MODEL, input: 'first' });

    const holder = new DatabaseSync(db);
    cleanups.push(() => holder.close());
    holder.exec('begin exclusive');
    const refused = await post(serving, { model: MODEL, input: 'while locked' });
    expect(refused.status).toBe(503);
    expect(await errorBody(refused)).toMatchObject({ type: 'server_error', code: 'store_locked' });
    expect((await client.responses.retrieve(before.id)).output_text).toBe('Before the lock.');

    holder.exec('rollback');
    fake.enqueue({ parts: [{ type: 'text', text: 'After the lock.' }] });
    expect((await client.responses.create({ model: MODEL, input: 'after' })).output_text).toBe('After the lock.');
  });
});
