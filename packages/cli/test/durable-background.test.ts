import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServingCli } from './cli-process.js';

interface StreamEvent { type: string; sequence_number: number; item?: { type: string; id: string }; response?: { id: string; status: string; output: Array<{ type: string; content?: Array<{ text: string }> }>; incomplete_details?: { reason: string } | null } }

const KEY = 'sk-durable';
const ANSWER = Array.from({ length: 30 }, (_, index) => `w${index} `).join('');
const MODEL = 'durable-model';

/** Reads an SSE body; `until` stops early (the reader goes away) once it says so. */
async function readEvents(response: Response, until?: (events: StreamEvent[]) => boolean): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
      buffer = buffer.slice(end + 2);
      if (data) events.push(JSON.parse(data.slice(6)) as StreamEvent);
    }
    if (until?.(events)) {
      await reader.cancel().catch(() => undefined);
      return events;
    }
  }
}

function textOf(response: NonNullable<StreamEvent['response']>): string {
  return response.output.filter((item) => item.type === 'message').flatMap((item) => item.content ?? []).map((part) => part.text).join('');
}

// A background response with a server tool (the built-in shell running `mktemp -d`, so every run
// of the tool leaves a directory behind) is killed with SIGKILL while its second model step
// streams; the process started again on the same SQLite file runs it on from its checkpoint.
describe('durable background responses', () => {
  const base = mkdtempSync(join(tmpdir(), 'agentport-durable-'));
  const work = join(base, 'work');
  mkdirSync(work);
  let fake: FakeVllmServer;
  const env = (mode: string) => ({
    AGENTPORT_SHELL__ENABLED: 'true', AGENTPORT_SHELL__COMMANDS: 'mktemp', AGENTPORT_SHELL__WORKING_DIRECTORY: work,
    AGENTPORT_SHELL__SANDBOX: 'none', AGENTPORT_GATEWAY__BACKGROUND_RESTART: mode,
  });
  const serve = (db: string, mode = 'resume', more: Record<string, string> = {}) => startServe(['--port', '0', '--upstream', fake.url, '--db', join(base, db), '--api-key', KEY], { ...env(mode), ...more });
  const stepOf = (request: RecordedRequest) => {
    const messages = (request.body as { messages: Array<{ role: string }> }).messages;
    return messages.some((message) => message.role === 'tool') ? 2 : 1;
  };

  beforeAll(async () => {
    fake = await new FakeVllmServer({
      models: [{ id: MODEL, maxModelLen: 32_768 }],
      handler: (request): FakeTurn => stepOf(request) === 1
        ? { parts: [{ type: 'tool-call', name: 'shell', input: { command: 'mktemp', args: ['-d', '-p', '.', 'run.XXXXXX'] }, id: 'call_mktemp' }] }
        : { parts: [{ type: 'text', text: ANSWER, chunks: 30 }], timing: { chunkDelayMs: 60 } },
    }).start();
  });
  afterAll(async () => {
    await fake.close();
    rmSync(base, { recursive: true, force: true });
  });

  async function startKilledMidStep(db: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL', more: Record<string, string> = {}): Promise<{ id: string; seen: StreamEvent[]; first: ServingCli }> {
    const first = await serve(db, 'resume', more);
    const created = await fetch(`${first.url}/v1/responses`, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL, input: 'make a directory, then tell me', background: true, stream: true,
        tools: [{ type: 'mcp', server_label: 'builtin', allowed_tools: ['shell'], require_approval: 'never' }],
      }),
    });
    expect(created.status).toBe(200);
    // The tool has run and the second step has begun streaming: kill the process there.
    const seen = await readEvents(created, (events) => events.filter((event) => event.type === 'response.output_text.delta').length >= 3);
    if (signal === 'SIGKILL') await first.kill();
    else {
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGTERM');
      await exited;
    }
    return { id: seen[0]!.response!.id, seen, first };
  }

  it('resumes from the last completed step: the tool does not run again, a follower sees one stream to the end', async () => {
    const before = fake.chatRequests.length;
    const { id, seen } = await startKilledMidStep('resume.db');
    const toolDone = seen.find((event) => event.type === 'response.output_item.done' && event.item?.type === 'mcp_call')!;
    expect(toolDone).toBeDefined();

    const second = await serve('resume.db');
    try {
      // A follower from the start: the stored first step, then the run going on, one stream.
      const followed = await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }));
      expect(followed.map((event) => event.sequence_number)).toEqual(followed.map((_, index) => index));
      expect(followed.filter((event) => event.type.startsWith('response.') && ['response.completed', 'response.failed', 'response.incomplete'].includes(event.type)).map((event) => event.type)).toEqual(['response.completed']);
      // What the first process told up to its checkpoint is the same, event for event.
      expect(followed.slice(0, toolDone.sequence_number + 1)).toEqual(seen.slice(0, toolDone.sequence_number + 1));
      const final = followed.at(-1)!.response!;
      expect(final.status).toBe('completed');
      expect(final.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
      expect(textOf(final)).toBe(ANSWER);

      // The tool ran once; the first model step was asked once, the cut second step twice.
      expect(readdirSync(work).filter((name) => name.startsWith('run.'))).toHaveLength(1);
      expect(fake.chatRequests.slice(before).map(stepOf)).toEqual([1, 2, 2]);

      // A client reconnecting after the checkpoint gets the rest, numbered on from there.
      const rest = await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true&starting_after=${toolDone.sequence_number}`, { headers: { authorization: `Bearer ${KEY}` } }));
      expect(rest).toEqual(followed.slice(toolDone.sequence_number + 1));
      const retrieved = await (await fetch(`${second.url}/v1/responses/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as { status: string; output: unknown[] };
      expect(retrieved.status).toBe('completed');
      expect(retrieved.output).toEqual(final.output);
    } finally {
      await second.kill();
    }
  }, 60_000);

  it("keeps the first run's spans up to its checkpoint beside the resumed run's, for the trace viewer", async () => {
    const viewer = { AGENTPORT_GATEWAY__TRACE_VIEWER: 'true' };
    const { id } = await startKilledMidStep('resume-traced.db', 'SIGKILL', viewer);
    const second = await serve('resume-traced.db', 'resume', viewer);
    try {
      await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }));
      const trace = await (await fetch(`${second.url}/v1/traces/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as {
        response: { status: string }; spans: Array<{ id: string; parentId: string | null; name: string; ended: boolean; attributes: Record<string, unknown> }>;
      };
      expect(trace.response.status).toBe('completed');
      const roots = trace.spans.filter((span) => span.parentId === null);
      expect(roots).toHaveLength(2);
      // The first run was killed: its span never ended; what it wrote up to its checkpoint is there.
      const [first, resumed] = roots;
      expect(first).toMatchObject({ id: 's1', ended: false });
      expect(resumed).toMatchObject({ ended: true, attributes: { 'agentport.response.resumed': true, 'agentport.response.status': 'completed' } });
      const childrenOf = (root: { id: string }) => trace.spans.filter((span) => span.parentId === root.id).map((span) => [span.name, span.attributes['agentport.step'] ?? null, span.ended]);
      expect(childrenOf(first!)).toEqual([[`chat ${MODEL}`, 1, true], ['execute_tool shell', null, true]]);
      expect(childrenOf(resumed!)).toEqual([[`chat ${MODEL}`, 2, true]]);
    } finally {
      await second.kill();
    }
  }, 60_000);

  it('a graceful shutdown leaves a running background response at its checkpoint, and the next process finishes it', async () => {
    const { id, first } = await startKilledMidStep('graceful.db', 'SIGTERM');
    // It was not ended on the way out.
    expect(first.output()).not.toContain('"level":"error"');
    const second = await serve('graceful.db');
    try {
      const followed = await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }));
      expect(followed.map((event) => event.sequence_number)).toEqual(followed.map((_, index) => index));
      const final = followed.at(-1)!;
      expect(final.type).toBe('response.completed');
      expect(final.response!.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
      expect(textOf(final.response!)).toBe(ANSWER);
    } finally {
      await second.kill();
    }
  }, 60_000);

  it('ends a response whose runs keep taking the process down once it was resumed backgroundMaxResumes times', async () => {
    const { id } = await startKilledMidStep('loop.db');
    const once = { AGENTPORT_GATEWAY__BACKGROUND_MAX_RESUMES: '1' };
    const second = await serve('loop.db', 'resume', once);
    // The resumed run streams its second step again; this process goes down in it too.
    const deltas = await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }),
      (events) => events.filter((event) => event.type === 'response.output_text.delta').length >= 3);
    expect(deltas.at(-1)!.type).toBe('response.output_text.delta');
    await second.kill();
    const third = await serve('loop.db', 'resume', once);
    try {
      const replayed = await readEvents(await fetch(`${third.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }));
      expect(replayed.map((event) => event.sequence_number)).toEqual(replayed.map((_, index) => index));
      expect(replayed.at(-1)).toMatchObject({ type: 'response.incomplete', response: { incomplete_details: { reason: 'server_restarted' } } });
      expect(third.output()).toContain('resumed backgroundMaxResumes times');
    } finally {
      await third.kill();
    }
  }, 60_000);

  it('with backgroundRestart: end, ends it incomplete (server_restarted) with a terminal event in its log', async () => {
    const { id } = await startKilledMidStep('end.db');
    const second = await serve('end.db', 'end');
    try {
      let retrieved: { status: string; incomplete_details: { reason: string } | null } | undefined;
      for (let attempt = 0; attempt < 50; attempt += 1) {
        retrieved = await (await fetch(`${second.url}/v1/responses/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as typeof retrieved;
        if (retrieved!.status !== 'in_progress') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(retrieved).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'server_restarted' } });
      const replayed = await readEvents(await fetch(`${second.url}/v1/responses/${id}?stream=true`, { headers: { authorization: `Bearer ${KEY}` } }));
      expect(replayed.map((event) => event.sequence_number)).toEqual(replayed.map((_, index) => index));
      expect(replayed.at(-1)).toMatchObject({ type: 'response.incomplete', response: { output: [{ type: 'mcp_call' }], incomplete_details: { reason: 'server_restarted' } } });
    } finally {
      await second.kill();
    }
  }, 60_000);
});
