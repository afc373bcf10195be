import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { startTestPostgres, type TestPostgres } from '@agentport/store-postgres/testing';
import { readSseEvents } from '@agentport/gateway/testing';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, runCli, startServe, type ServingCli } from './cli-process.js';

let postgres: TestPostgres;
let fake: FakeVllmServer;
beforeAll(async () => {
  postgres = await startTestPostgres();
  fake = await new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 32_768 }] }).start();
});
afterAll(async () => {
  await fake?.close();
  await postgres?.stop();
});
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serveOn(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<{ serving: ServingCli; client: OpenAI }> {
  const serving = await startServe(['--port', '0', '--upstream', fake.url, '--db', databaseUrl, '--api-key', 'key-a:team'], env);
  cleanups.push(serving.kill);
  return { serving, client: new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: 'key-a', maxRetries: 0 }) };
}

/** The texts of the messages the upstream was sent for the latest chat request. */
function lastPromptTexts(): string[] {
  const body = fake.chatRequests.at(-1)!.body as { messages: Array<{ content: string | Array<{ text?: string }> }> };
  return body.messages.map((message) => (typeof message.content === 'string' ? message.content : message.content.map((part) => part.text ?? '').join('')));
}

describe('agentport serve --db postgres://', () => {
  it('runs three gateway processes on one PostgreSQL: each continues what another stored', async () => {
    const url = await postgres.createDatabase();
    const [a, b, c] = [await serveOn(url), await serveOn(url), await serveOn(url)];
    expect(a.serving.url).not.toBe(b.serving.url);

    fake.enqueue({ parts: [{ type: 'text', text: 'Paris.' }] });
    const first = await a.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'Capital of France?' });
    fake.enqueue({ parts: [{ type: 'text', text: 'About two million.' }] });
    const second = await b.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'How many live there?', previous_response_id: first.id });
    expect(second.output_text).toBe('About two million.');
    // The second process sent the first one's turn upstream: it read it from the shared store.
    expect(lastPromptTexts().join('\n')).toContain('Capital of France?');
    expect(lastPromptTexts().join('\n')).toContain('Paris.');
    expect((await a.client.responses.retrieve(second.id)).output_text).toBe('About two million.');

    // A conversation continued on each process in turn.
    const conversation = await c.client.conversations.create({});
    for (const [n, side] of [a, b, c].entries()) {
      fake.enqueue({ parts: [{ type: 'text', text: `answer ${n}` }] });
      await side.client.responses.create({ model: 'Qwen/Qwen3-8B', input: `question ${n}`, conversation: conversation.id });
    }
    expect(lastPromptTexts().join('\n')).toContain('answer 1');
    expect(lastPromptTexts().join('\n')).toContain('question 0');
    const items = await b.client.conversations.items.list(conversation.id, { order: 'asc' });
    const texts = items.data.map((item) => JSON.stringify(item)).map((text) => /(question|answer) \d/.exec(text)?.[0]);
    expect(texts).toEqual(['question 0', 'answer 0', 'question 1', 'answer 1', 'question 2', 'answer 2']);
  });

  it('follows a background response live from another process, and cancels it from a third', async () => {
    const url = await postgres.createDatabase();
    const [a, b, c] = [await serveOn(url), await serveOn(url), await serveOn(url)];
    const words = Array.from({ length: 80 }, (_, n) => `w${n}`).join(' ');
    fake.enqueue({ parts: [{ type: 'text', text: words }], timing: { chunkDelayMs: 50 } });
    const started = await a.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'count slowly', background: true });
    expect(started.status).toBe('queued');

    // B never ran it: it reads A's events from the event log as A writes them.
    const follow = await fetch(`${b.serving.url}/v1/responses/${started.id}?stream=true`, { headers: { authorization: 'Bearer key-a' } });
    let cancel: Promise<OpenAI.Responses.Response> | undefined;
    let seenDeltas = 0;
    const events = await readSseEvents(follow, (event) => {
      if (event.type === 'response.output_text.delta' && (seenDeltas += 1) === 5) cancel = c.client.responses.cancel(started.id);
    });
    expect(cancel, 'the follower saw deltas while the response ran').toBeDefined();
    const cancelled = await cancel!;
    expect(cancelled.status).toBe('cancelled');

    // Live, in order, nothing lost or doubled: every sequence number from 0, once, up to the terminal event.
    const sequence = events.map((event) => (event as { sequence_number: number }).sequence_number);
    expect(sequence).toEqual(sequence.map((_, n) => n));
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect((events.at(-1) as unknown as { response: { status: string } }).response.status).toBe('cancelled');
    const deltas = events.filter((event) => event.type === 'response.output_text.delta').length;
    expect(deltas).toBeGreaterThanOrEqual(5);
    expect(deltas).toBeLessThan(80);
    // A stopped its upstream call: the cancel reached the process that ran it.
    expect(fake.chatRequests.at(-1)!.outcome).toBe('client-closed');
    expect((await b.client.responses.retrieve(started.id)).status).toBe('cancelled');
  });

  it('takes over the background run of a process killed mid-run, on another process, within the lease, and finishes it', async () => {
    const url = await postgres.createDatabase();
    const lease = { AGENTPORT_STORE__LEASE_SECONDS: '1', AGENTPORT_GATEWAY__BACKGROUND_TAKE_OVER_POLL_MS: '100' };
    const [a, b] = [await serveOn(url, lease), await serveOn(url, lease)];
    fake.enqueue({ parts: [{ type: 'text', text: Array.from({ length: 200 }, (_, n) => `w${n}`).join(' ') }], timing: { chunkDelayMs: 50 } });
    // The step the kill cut, asked again by the process that took the run over.
    fake.enqueue({ parts: [{ type: 'text', text: 'counted on the other process' }] });
    const callsBefore = fake.chatRequests.length;
    const started = await a.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'count slowly', background: true });
    // Mid-run: A's model call is under way (its status says in_progress a little before the call leaves).
    const deadline = Date.now() + 10_000;
    while (fake.chatRequests.length === callsBefore && Date.now() < deadline) await sleep(20);
    while ((await b.client.responses.retrieve(started.id)).status !== 'in_progress' && Date.now() < deadline) await sleep(50);

    await a.serving.kill();
    let seen = await b.client.responses.retrieve(started.id);
    expect(seen.status).toBe('in_progress');
    // A hang guard of its own (a loaded machine takes seconds to notice the lease and resume), not a timing check.
    const takeOverDeadline = Date.now() + 30_000;
    while (seen.status === 'in_progress' && Date.now() < takeOverDeadline) {
      await sleep(100);
      seen = await b.client.responses.retrieve(started.id);
    }
    expect(seen.status).toBe('completed');
    expect(seen.output_text).toBe('counted on the other process');
    // One stream in the log: the first process's opening, then the other's run to its one end.
    const replayed = await readSseEvents(await fetch(`${b.serving.url}/v1/responses/${started.id}?stream=true`, { headers: { authorization: 'Bearer key-a' } }));
    expect(replayed.map((event) => event.sequence_number)).toEqual(replayed.map((_, index) => index));
    expect(replayed.filter((event) => event.type === 'response.completed')).toHaveLength(1);
    expect(replayed.at(-1)!.type).toBe('response.completed');
  }, 60_000);

  it('runs --workers 2 as two processes on one port, sharing the store, and stops them all on SIGTERM', async () => {
    const url = await postgres.createDatabase();
    // At debug level each request is a line, and a worker's lines carry its pid.
    const serving = await startServe(['--workers', '2', '--port', '0', '--upstream', fake.url, '--db', url, '--api-key', 'key-a:team'], { AGENTPORT_LOG__LEVEL: 'debug' });
    cleanups.push(serving.kill);
    const deadline = Date.now() + 20_000;
    while ((serving.output().match(/upstream: ready/g) ?? []).length < 2 && Date.now() < deadline) await sleep(50);
    const banners = [...serving.output().matchAll(/API at (http:\/\/[^\s"]+)\/v1/g)].map((match) => match[1]);
    expect(banners).toEqual([serving.url, serving.url]);
    const workers = await childrenOf(serving.child.pid!);
    expect(workers).toHaveLength(2);

    // Each request on a connection of its own, so the cluster spreads them; each continues the previous one.
    let previous: string | undefined;
    for (let n = 0; n < 6; n += 1) {
      fake.enqueue({ parts: [{ type: 'text', text: `turn ${n}` }] });
      const body = await postOnNewConnection(`${serving.url}/v1/responses`, {
        model: 'Qwen/Qwen3-8B', input: `question ${n}`, ...(previous ? { previous_response_id: previous } : {}),
      });
      expect(body.status).toBe('completed');
      previous = body.id as string;
    }
    expect(lastPromptTexts().join('\n')).toContain('turn 4');
    const pids = new Set([...serving.output().matchAll(/"pid":(\d+)[^\n]*"url":"\/v1\/responses"/g)].map((match) => Number(match[1])));
    expect([...pids].sort()).toEqual([...workers].sort());

    const exited = new Promise<number | null>((resolve) => serving.child.once('exit', resolve));
    serving.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('refuses --workers above 1 on a SQLite file, saying why', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'agentport-workers-'));
    cleanups.push(() => rm(cwd, { recursive: true, force: true }));
    const { code, stderr } = await runCli(['serve', '--workers', '2', '--port', '0', '--upstream', fake.url, '--db', join(cwd, 'agentport.db')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--workers 2 needs a store several processes share');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('holds a key\'s maxConcurrentRuns over every process on the database', async () => {
    const url = await postgres.createDatabase();
    const limit = { AGENTPORT_GATEWAY__MAX_CONCURRENT_RUNS: '2' };
    const [a, b] = [await serveOn(url, limit), await serveOn(url, limit)];
    const slow = { parts: [{ type: 'text' as const, text: Array.from({ length: 400 }, (_, n) => `w${n}`).join(' ') }], timing: { chunkDelayMs: 20 } };
    fake.enqueue(slow);
    fake.enqueue(slow);
    const running = [
      await a.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'one', background: true }),
      await a.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'two', background: true }),
    ];
    // The key's two slots are taken on A, so B refuses a third.
    const refused = await b.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'three' }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('limit 2');

    for (const response of running) await b.client.responses.cancel(response.id);
    fake.enqueue({ parts: [{ type: 'text', text: 'now there is room' }] });
    expect((await b.client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'three again' })).output_text).toBe('now there is room');
  });

  it('reports the database on /readyz while it is down, and serves again once it is back', async () => {
    if (postgres.kind !== 'embedded') return expect(postgres.kind).toBe('external');
    const url = await postgres.createDatabase();
    const { serving, client } = await serveOn(url);
    expect((await fetch(`${serving.url}/readyz`)).status).toBe(200);
    await postgres.suspend();
    try {
      const ready = await fetch(`${serving.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toContain('store');
    } finally {
      await postgres.resume();
    }
    expect(serving.child.exitCode).toBeNull();
    expect((await fetch(`${serving.url}/readyz`)).status).toBe(200);
    fake.enqueue({ parts: [{ type: 'text', text: 'back' }] });
    expect((await client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'still there?' })).output_text).toBe('back');
  });

  it('says which database it could not open, without its password, and exits 1', async () => {
    const port = await closedPort();
    const { code, stderr } = await runCli(['serve', '--port', '0', '--upstream', fake.url, '--db', `postgres://agentport:hunter2@127.0.0.1:${port}/agentport`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`could not open the PostgreSQL database postgres://agentport:***@127.0.0.1:${port}/agentport`);
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).toContain('check AGENTPORT_STORE__URL');
    expect(stderr).not.toContain('hunter2');
  });

  it('refuses a --db with a scheme it does not support, and creates nothing', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'agentport-db-scheme-'));
    cleanups.push(() => rm(cwd, { recursive: true, force: true }));
    const { code, stderr } = await runCli(['serve', '--port', '0', '--upstream', fake.url, '--db', 'mysql://root:hunter2@127.0.0.1/agentport'], {}, cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('unsupported database scheme "mysql:"');
    expect(stderr).toContain('postgres://');
    expect(stderr).not.toContain('hunter2');
    expect(await readdir(cwd)).toEqual([]);
  });
});

/** The pids whose parent is `pid`, from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the parent pid; the command name (field 2) may hold spaces, so read after its ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) children.push(Number(entry));
  }
  return children;
}

/** POSTs JSON on a fresh connection (no keep-alive agent) with the test's key. */
function postOnNewConnection(url: string, body: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: 'Bearer key-a' },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
    request.once('error', reject);
    request.end(JSON.stringify(body));
  });
}
