import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, runCli, startServe, type ServingCli } from './cli-process.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts `agentport serve …` on a port of its own and a fresh SQLite file. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServingCli> {
  const dir = await mkdtemp(join(tmpdir(), 'agentport-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const serving = await startServe(['--port', '0', '--db', join(dir, 'db.sqlite'), ...args], env);
  cleanups.push(serving.kill);
  return serving;
}


describe('agentport serve', () => {
  it('serves the Responses API on the upstream, then stops cleanly on SIGTERM', async () => {
    const fake = await new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 32_768 }] }).start();
    cleanups.push(() => fake.close());
    fake.enqueue({ parts: [{ type: 'text', text: 'served through the CLI' }] });
    const { child, url, output } = await startCli(['--upstream', fake.url, '--api-key', 'secret:team']);
    expect(output()).toContain('upstream: ready, serving Qwen/Qwen3-8B');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'secret', maxRetries: 0 });
    const response = await client.responses.create({ model: 'Qwen/Qwen3-8B', input: 'hi' });
    expect(response.output_text).toBe('served through the CLI');
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('composes the built-in tools: a file tool turned on by env vars serves a request', async () => {
    const fake = await new FakeVllmServer({ models: [{ id: 'm', maxModelLen: 8_192 }] }).start();
    cleanups.push(() => fake.close());
    const root = await mkdtemp(join(tmpdir(), 'agentport-cli-files-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await writeFile(join(root, 'notes.txt'), 'the launch code is 1234');
    fake.enqueue({ parts: [{ type: 'tool-call', name: 'read_file', input: { path: 'notes.txt' } }] });
    fake.enqueue({ parts: [{ type: 'text', text: 'The code is 1234.' }] });
    const { url } = await startCli(['--upstream', fake.url], {
      AGENTPORT_FILES__ENABLED: 'true', AGENTPORT_FILES__ROOT: root, AGENTPORT_FILES__DEFAULT_REQUIRE_APPROVAL: 'never',
    });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const response = await client.responses.create({ model: 'm', input: 'What is in notes.txt?', tools: [{ type: 'mcp', server_label: 'builtin' } as never] });
    expect(response.output.map((item) => item.type)).toContain('mcp_call');
    expect(response.output_text).toBe('The code is 1234.');
    const second = fake.chatRequests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('the launch code is 1234') });
  });

  it('starts without an upstream and says so, on stdout and in /readyz', async () => {
    const { url, output } = await startCli(['--upstream', `http://127.0.0.1:${await closedPort()}/v1`]);
    expect(output()).toContain('upstream: NOT reachable');
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('upstream');
  });

  it('refuses a bad flag with the usage text', async () => {
    const { code, stderr } = await runCli(['serve', '--port', 'eighty']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
    expect(stderr).toContain('Usage: agentport serve');
  });
});
