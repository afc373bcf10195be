import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { generateText, stepCountIs } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServingCli } from './cli-process.js';

// The gateway's own tools over MCP with no hosted-servers file: `agentport serve` with the files
// tools turned on serves them to the MCP SDK's client at /v1/mcp, and to the AI SDK's
// `openai.tools.mcp`, which needs a server URL, when that URL is the gateway's own /v1/mcp.

const KEY = 'sk-mcp-builtin';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `agentport serve` on a fake vLLM server, SQLite in a temp folder, with the given env. */
async function startCli(env: NodeJS.ProcessEnv): Promise<{ serving: ServingCli; fake: FakeVllmServer }> {
  const fake = await new FakeVllmServer({ models: [{ id: 'm', maxModelLen: 8_192 }] }).start();
  cleanups.push(() => fake.close());
  const dir = await tempDir('agentport-mcp-builtin-');
  const serving = await startServe(['--port', '0', '--db', join(dir, 'db.sqlite'), '--upstream', fake.url, '--api-key', `${KEY}:team`], env);
  cleanups.push(serving.kill);
  return { serving, fake };
}

async function filesEnv(): Promise<NodeJS.ProcessEnv> {
  const root = await tempDir('agentport-mcp-builtin-files-');
  await writeFile(join(root, 'notes.txt'), 'the launch code is 1234');
  return { AGENTPORT_FILES__ENABLED: 'true', AGENTPORT_FILES__ROOT: root, AGENTPORT_FILES__DEFAULT_REQUIRE_APPROVAL: 'never' };
}

async function connectMcp(url: string): Promise<Client> {
  const client = new Client({ name: 'mcp-builtin-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/v1/mcp`), { requestInit: { headers: { Authorization: `Bearer ${KEY}` } } }));
  cleanups.push(() => client.close());
  return client;
}

describe('/v1/mcp with no hosted MCP server', () => {
  it('serves the enabled built-in tools to an MCP client, and runs them', async () => {
    const { serving } = await startCli(await filesEnv());
    const client = await connectMcp(serving.url);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['builtin__read_file', 'builtin__list_directory']));
    const read = await client.callTool({ name: 'builtin__read_file', arguments: { path: 'notes.txt' } });
    expect(read.isError).toBe(false);
    expect(JSON.stringify(read.content)).toContain('the launch code is 1234');
    const escape = await client.callTool({ name: 'builtin__read_file', arguments: { path: '../../etc/passwd' } });
    expect(escape.isError).toBe(true);
  });

  it('answers 404 mcp_not_enabled while no tool is enabled at all', async () => {
    const { serving } = await startCli({});
    const answer = await fetch(`${serving.url}/v1/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: { code: 'mcp_not_enabled', type: 'not_found_error' } });
  });

  it('lets the AI SDK\'s openai.tools.mcp use the built-in tools by naming the gateway\'s own /v1/mcp', async () => {
    const { serving, fake } = await startCli(await filesEnv());
    fake.enqueue({ parts: [{ type: 'tool-call', name: 'read_file', input: { path: 'notes.txt' } }] });
    fake.enqueue({ parts: [{ type: 'text', text: 'The code is 1234.' }] });
    const openai = createOpenAI({ baseURL: `${serving.url}/v1`, apiKey: KEY });
    const result = await generateText({
      model: openai.responses('m'),
      prompt: 'What is in notes.txt?',
      tools: { builtin: openai.tools.mcp({ serverLabel: 'builtin', serverUrl: `${serving.url}/v1/mcp`, requireApproval: 'never' }) },
      stopWhen: stepCountIs(2),
    });
    expect(result.text).toBe('The code is 1234.');
    const toolResult = result.steps.flatMap((step) => step.toolResults)[0];
    expect(toolResult).toMatchObject({ toolName: 'mcp.read_file', output: { type: 'call', serverLabel: 'builtin', name: 'read_file' } });
    expect(JSON.stringify(toolResult)).toContain('the launch code is 1234');
    // The model was offered the tool, and given its output on its next call.
    expect(JSON.stringify(fake.chatRequests[0]!.body)).toContain('read_file');
    expect(JSON.stringify(fake.chatRequests[1]!.body)).toContain('the launch code is 1234');
  });

  it('still refuses a server_url that is neither this gateway\'s /v1/mcp nor allowlisted', async () => {
    const { serving } = await startCli(await filesEnv());
    const answer = await fetch(`${serving.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'hi', tools: [{ type: 'mcp', server_label: 'builtin', server_url: `${serving.url}/v1/other` }] }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'tools' } });
  });
});
