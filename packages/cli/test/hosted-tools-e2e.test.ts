import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolProvider } from '@agentport/core';
import { SqliteStateStore } from '@agentport/store-sqlite';
import {
  CODE_INTERPRETER_DEFAULTS, CodeInterpreter, CodeInterpreterToolProvider, FILES_DEFAULTS, filesToolProvider, HTTP_GET_DEFAULTS,
  httpGetToolProvider, SHELL_DEFAULTS, shellToolProvider,
} from '@agentport/tools-builtin';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, withoutParsed, streamAndRetrieve } from '@agentport/gateway/testing';
import { guardLoopbackOnly } from './loopback-guard.js';

/**
 * The hosted tools end to end: the `openai` SDK against the real gateway, the vLLM adapter
 * against the fake vLLM server, SQLite on a temp file, and the real tool providers (Pyodide
 * workers for the code interpreter; a process per shell command; a local HTTP server on
 * 127.0.0.1 for http_get; a temp directory for the files tools).
 */

// Any connection attempt to an address other than 127.0.0.1 throws before it is made.
guardLoopbackOnly();

interface Stack {
  fake: FakeVllmServer;
  harness: GatewayHarness;
}

let base: string;
let interpreter: CodeInterpreter;
let pageServer: http.Server;
let pageOrigin: string;
let pageRequests: string[] = [];
const stacks: Array<() => Promise<void>> = [];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'agentport-hosted-tools-'));
  await mkdir(join(base, 'work'));
  await writeFile(join(base, 'work', 'report.txt'), 'quarterly numbers: 42\n');
  await mkdir(join(base, 'docs'));
  await writeFile(join(base, 'docs', 'readme.md'), '# Project docs\n');
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET\n');
  pageServer = http.createServer((request, response) => {
    pageRequests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('the page says hello');
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  interpreter = new CodeInterpreter({ ...CODE_INTERPRETER_DEFAULTS, poolSize: 1, maxContainers: 4 });
  await interpreter.start();
}, 60_000);

afterEach(async () => {
  for (const stop of stacks.splice(0).reverse()) await stop();
});

afterAll(async () => {
  await interpreter?.close();
  await new Promise<void>((resolve) => pageServer.close(() => resolve()));
  await rm(base, { recursive: true, force: true });
});

async function startStack(turns: FakeTurn[], tools: ToolProvider[]): Promise<Stack> {
  const fake = await new FakeVllmServer({ turns }).start();
  const store = await SqliteStateStore.open({ path: join(base, `gateway-${stacks.length}-${Date.now()}.db`), purgeIntervalSeconds: 0 });
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, store, tools });
  stacks.push(async () => {
    await harness.close();
    model.close();
    await store.close();
    await fake.close();
  });
  return { fake, harness };
}

/** The `tool` messages of one chat request the gateway sent to the fake vLLM server. */
function toolMessages(fake: FakeVllmServer, index: number): string[] {
  const body = fake.chatRequests[index]?.body as { messages?: Array<{ role: string; content: string }> } | undefined;
  return (body?.messages ?? []).filter((message) => message.role === 'tool').map((message) => message.content);
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });

describe('the code interpreter through the gateway', () => {
  it('feeds a call\'s output to the model\'s next step, and keeps state in its container between requests', async () => {
    const { fake, harness } = await startStack([
      { parts: [{ type: 'tool-call', name: 'code_interpreter', input: { code: "x = 41\nprint('x is set to', x)" }, id: 'call_set' }] },
      reply('x is 41 now.'),
      { parts: [{ type: 'tool-call', name: 'code_interpreter', input: { code: 'x + 1' }, id: 'call_add' }] },
      reply('x + 1 is 42.'),
    ], [new CodeInterpreterToolProvider(interpreter)]);

    const first = await streamAndRetrieve(harness, {
      model: 'fake-model', input: 'Set x to 41.', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
    });
    expect(first.checked.terminal.type).toBe('response.completed');
    expect(first.final.output.map((item) => item.type)).toEqual(['code_interpreter_call', 'message']);
    const set = first.final.output[0];
    if (set?.type !== 'code_interpreter_call') throw new Error('expected a code_interpreter_call first');
    expect(set).toMatchObject({ status: 'completed', code: "x = 41\nprint('x is set to', x)", outputs: [{ type: 'logs', logs: 'x is set to 41\n' }] });
    expect(set.container_id).toMatch(/^cntr_/);
    expect(first.final.output_text).toBe('x is 41 now.');
    expect(withoutParsed(first.final)).toEqual(withoutParsed(first.stored));
    // The model's second step was given the interpreter's output.
    expect(fake.chatRequests).toHaveLength(2);
    expect(toolMessages(fake, 1)).toEqual(['x is set to 41\n']);
    expect(first.events.map((event) => event.type)).toEqual(expect.arrayContaining([
      'response.code_interpreter_call.in_progress', 'response.code_interpreter_call.interpreting', 'response.code_interpreter_call.completed',
    ]));

    const second = await streamAndRetrieve(harness, {
      model: 'fake-model', previous_response_id: first.final.id, input: 'Now add one.',
      tools: [{ type: 'code_interpreter', container: set.container_id }],
    });
    expect(second.checked.terminal.type).toBe('response.completed');
    expect(second.final.output[0]).toMatchObject({ type: 'code_interpreter_call', container_id: set.container_id, outputs: [{ type: 'logs', logs: '42' }] });
    expect(toolMessages(fake, 3)).toEqual(['x is set to 41\n', '42']);
    expect(second.final.output_text).toBe('x + 1 is 42.');
  });
});

describe('shell, http_get and files as tools of the built-in MCP server', () => {
  it('runs the allowed calls, fails the refused ones as items, and completes the response', async () => {
    const { enabled: _s, ...shellDefaults } = SHELL_DEFAULTS;
    const { enabled: _h, ...httpDefaults } = HTTP_GET_DEFAULTS;
    const { enabled: _f, ...filesDefaults } = FILES_DEFAULTS;
    const tools = [
      await shellToolProvider({ ...shellDefaults, commands: ['cat', 'ls'], workingDirectory: join(base, 'work') }),
      httpGetToolProvider({ ...httpDefaults, allowedAddresses: ['127.0.0.1/32'] }),
      await filesToolProvider({ ...filesDefaults, root: join(base, 'docs') }),
    ];
    const calls: Array<[string, unknown]> = [
      ['shell', { command: 'cat', args: ['report.txt'] }],
      ['shell', { command: 'rm', args: ['-rf', '.'] }],
      ['http_get', { url: `${pageOrigin}/page` }],
      ['http_get', { url: 'http://169.254.169.254/latest/meta-data/' }],
      ['read_file', { path: 'readme.md' }],
      ['read_file', { path: '../secret.txt' }],
    ];
    const { fake, harness } = await startStack([
      { parts: calls.map(([name, input], index) => ({ type: 'tool-call' as const, name, input, id: `call_${index}` })) },
      reply('Done: three calls worked, three were refused.'),
    ], tools);

    const { final, stored, events, checked } = await streamAndRetrieve(harness, {
      model: 'fake-model', input: 'Gather what you can.',
      tools: [{ type: 'mcp', server_label: 'builtin', require_approval: 'never' }],
    });

    expect(checked.terminal.type).toBe('response.completed');
    expect(final.status).toBe('completed');
    expect(final.output.map((item) => item.type)).toEqual(['mcp_call', 'mcp_call', 'mcp_call', 'mcp_call', 'mcp_call', 'mcp_call', 'message']);
    const items = final.output.slice(0, 6).map((item) => {
      if (item.type !== 'mcp_call') throw new Error(`expected an mcp_call, got ${item.type}`);
      return { name: item.name, server_label: item.server_label, status: item.status, output: item.output, error: item.error, arguments: JSON.parse(item.arguments) as unknown };
    });
    expect(items).toEqual([
      { name: 'shell', server_label: 'builtin', status: 'completed', output: 'quarterly numbers: 42\n[exit code 0]', error: null, arguments: calls[0]![1] },
      { name: 'shell', server_label: 'builtin', status: 'failed', output: null, error: '"rm" is not an allowed command; allowed: cat, ls', arguments: calls[1]![1] },
      {
        name: 'http_get', server_label: 'builtin', status: 'completed', error: null, arguments: calls[2]![1],
        output: `GET ${pageOrigin}/page -> 200 OK\ncontent-type: text/plain; charset=utf-8\n\nthe page says hello`,
      },
      {
        name: 'http_get', server_label: 'builtin', status: 'failed', output: null, arguments: calls[3]![1],
        error: 'http://169.254.169.254/latest/meta-data/ is refused: 169.254.169.254 is a metadata address (169.254.169.254/32); only public addresses are fetched',
      },
      { name: 'read_file', server_label: 'builtin', status: 'completed', output: '# Project docs\n', error: null, arguments: calls[4]![1] },
      { name: 'read_file', server_label: 'builtin', status: 'failed', output: null, error: '"../secret.txt" is refused: it leads outside the files root', arguments: calls[5]![1] },
    ]);
    expect(final.output_text).toBe('Done: three calls worked, three were refused.');
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));

    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'response.mcp_call.completed')).toHaveLength(3);
    expect(types.filter((type) => type === 'response.mcp_call.failed')).toHaveLength(3);
    expect(types.filter((type) => type === 'response.mcp_call.in_progress')).toHaveLength(6);

    // The model saw every result: outputs, and refusals as errors.
    expect(toolMessages(fake, 1)).toEqual([
      'quarterly numbers: 42\n[exit code 0]',
      'Error: "rm" is not an allowed command; allowed: cat, ls',
      `GET ${pageOrigin}/page -> 200 OK\ncontent-type: text/plain; charset=utf-8\n\nthe page says hello`,
      expect.stringMatching(/^Error: http:\/\/169\.254\.169\.254\/latest\/meta-data\/ is refused/),
      '# Project docs\n',
      'Error: "../secret.txt" is refused: it leads outside the files root',
    ]);
    // The model was offered the built-in tools by name, as functions.
    const offered = (fake.chatRequests[0]?.body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name);
    expect(offered.sort()).toEqual(['http_get', 'list_directory', 'read_file', 'shell']);
    expect(pageRequests).toEqual(['/page']);
    expect(await readdir(join(base, 'work'))).toEqual(['report.txt']);
  });

  it('asks for approval when the request leaves require_approval out, and runs the command once approved', async () => {
    const { enabled: _s, ...shellDefaults } = SHELL_DEFAULTS;
    const tools = [await shellToolProvider({ ...shellDefaults, commands: ['cat'], workingDirectory: join(base, 'work') })];
    const { fake, harness } = await startStack([
      { parts: [{ type: 'tool-call', name: 'shell', input: { command: 'cat', args: ['report.txt'] }, id: 'call_cat' }] },
      reply('The report says 42.'),
    ], tools);
    const builtin = { type: 'mcp' as const, server_label: 'builtin' };

    const asked = await streamAndRetrieve(harness, { model: 'fake-model', input: 'Read the report.', tools: [builtin] });
    expect(asked.checked.terminal.type).toBe('response.completed');
    expect(asked.final.output).toEqual([expect.objectContaining({
      type: 'mcp_approval_request', server_label: 'builtin', name: 'shell', arguments: '{"command":"cat","args":["report.txt"]}',
    })]);
    expect(fake.chatRequests).toHaveLength(1);
    const requestId = asked.final.output[0]!.id!;

    const approved = await streamAndRetrieve(harness, {
      model: 'fake-model', previous_response_id: asked.final.id, tools: [builtin],
      input: [{ type: 'mcp_approval_response', approval_request_id: requestId, approve: true }],
    });
    expect(approved.checked.terminal.type).toBe('response.completed');
    expect(approved.final.output[0]).toMatchObject({
      type: 'mcp_call', name: 'shell', status: 'completed', output: 'quarterly numbers: 42\n[exit code 0]', approval_request_id: requestId,
    });
    expect(approved.final.output_text).toBe('The report says 42.');
    expect(toolMessages(fake, 1)).toEqual(['quarterly numbers: 42\n[exit code 0]']);
  });

  it('takes the approval request sent back whole beside its approval (as the Agents SDK resumes), with or without previous_response_id', async () => {
    const { enabled: _s, ...shellDefaults } = SHELL_DEFAULTS;
    const tools = [await shellToolProvider({ ...shellDefaults, commands: ['cat'], workingDirectory: join(base, 'work') })];
    const askCat: FakeTurn = { parts: [{ type: 'tool-call', name: 'shell', input: { command: 'cat', args: ['report.txt'] }, id: 'call_cat' }] };
    const { fake, harness } = await startStack([askCat, reply('It says 42.'), reply('Again 42.')], tools);
    const client = harness.client();
    const builtin = { type: 'mcp' as const, server_label: 'builtin' };
    const asked = await client.responses.create({ model: 'fake-model', input: 'Read the report.', tools: [builtin] });
    const request = asked.output.find((item) => item.type === 'mcp_approval_request')!;
    expect(request.type).toBe('mcp_approval_request');
    const approval = { type: 'mcp_approval_response' as const, approval_request_id: request.id!, approve: true };

    // The request is in the history already: it is not stored or shown twice.
    const chained = await client.responses.create({ model: 'fake-model', previous_response_id: asked.id, tools: [builtin], input: [request, approval] });
    expect(chained.output[0]).toMatchObject({ type: 'mcp_call', status: 'completed', approval_request_id: request.id });
    expect(chained.output_text).toBe('It says 42.');
    expect((await client.responses.inputItems.list(chained.id)).data.map((item) => item.type)).toEqual(['mcp_approval_response']);

    // A full transcript without previous_response_id: the request's id is stored elsewhere, so it is stored again under a new one.
    const replayed = await client.responses.create({
      model: 'fake-model', tools: [builtin], input: [{ role: 'user', content: 'Read the report.' }, request, approval],
    });
    expect(replayed.output[0]).toMatchObject({ type: 'mcp_call', status: 'completed' });
    expect(replayed.output_text).toBe('Again 42.');
    const replayedInput = (await client.responses.inputItems.list(replayed.id, { order: 'asc' })).data;
    const [storedRequest, storedApproval] = [replayedInput[1] as { id: string }, replayedInput[2] as { approval_request_id: string }];
    expect(storedRequest.id).not.toBe(request.id);
    expect(storedApproval.approval_request_id).toBe(storedRequest.id);
    expect(toolMessages(fake, 2)).toEqual(['quarterly numbers: 42\n[exit code 0]']);
  });

  it('offers only the tools allowed_tools names, and refuses a label no provider serves', async () => {
    const { enabled: _f, ...filesDefaults } = FILES_DEFAULTS;
    const { enabled: _h, ...httpDefaults } = HTTP_GET_DEFAULTS;
    const tools = [await filesToolProvider({ ...filesDefaults, root: join(base, 'docs') }), httpGetToolProvider(httpDefaults)];
    const { fake, harness } = await startStack([reply('one'), reply('two')], tools);
    const client = harness.client();
    await client.responses.create({ model: 'fake-model', input: 'hi', tools: [{ type: 'mcp', server_label: 'builtin', allowed_tools: ['list_directory'], require_approval: 'never' }] });
    expect((fake.chatRequests[0]?.body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name)).toEqual(['list_directory']);
    const refused = await client.responses.create({ model: 'fake-model', input: 'hi', tools: [{ type: 'mcp', server_label: 'elsewhere', require_approval: 'never' }] })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'unknown_hosted_tool' });
    expect(fake.chatRequests).toHaveLength(1);
    const second = await client.responses.create({ model: 'fake-model', input: 'hi', tools: [{ type: 'mcp', server_label: 'builtin', allowed_tools: { read_only: true }, require_approval: 'never' }] });
    expect(second.output_text).toBe('two');
    expect((fake.chatRequests[1]?.body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name).sort())
      .toEqual(['http_get', 'list_directory', 'read_file']);
  });
});
