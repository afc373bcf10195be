import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH, closedPort, runCli } from './cli-process.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LogLine { level: string; msg: string; [field: string]: unknown }

interface RunningDemo {
  child: ChildProcess;
  lines: LogLine[];
  /** The banner's line whose message starts with `prefix`. */
  line(prefix: string): LogLine;
}

/** Starts `agentport demo --port <port>` from the repository root and resolves once its banner is out. */
async function startDemo(port: number): Promise<RunningDemo> {
  const child = spawn(process.execPath, [CLI_PATH, 'demo', '--port', String(port)], {
    cwd: repoRoot, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });
  const lines: LogLine[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const text of complete) lines.push(JSON.parse(text) as LogLine);
      if (lines.some((line) => line.msg.startsWith('Ctrl-C stops the demo'))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agentport demo exited with ${code}: ${stderr}`)));
  });
  const line = (prefix: string) => {
    const found = lines.find((candidate) => candidate.msg.startsWith(prefix));
    if (!found) throw new Error(`no banner line starts with "${prefix}"`);
    return found;
  };
  return { child, lines, line };
}

/** The command the banner prints on its own line under a heading, as a person would copy it. */
function printedCommand(message: string, program: string): string {
  const command = message.split('\n').map((text) => text.trim()).find((text) => text.startsWith(`${program} `));
  if (!command) throw new Error(`no ${program} command in: ${message}`);
  return command;
}

/** Runs a printed command line with bash from the repository root, as pasted into a terminal there. */
async function paste(command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command], { cwd: repoRoot, env: { PATH: process.env.PATH }, timeout: 30_000 });
  return stdout;
}

describe('agentport demo', () => {
  it('serves the scripted agentport-demo model with the built-in tools; the printed curl and openai SDK commands work; SIGTERM removes its folder', async () => {
    const port = await closedPort();
    const demo = await startDemo(port);

    // The banner: clearly a demo, the URL, a fresh key, the folder the tools are confined to.
    expect(demo.line('DEMO MODE').level).toBe('warn');
    expect(demo.line('DEMO MODE').msg).toContain('not an LLM');
    const url = `http://127.0.0.1:${port}/v1`;
    expect(demo.line('agentport is serving').msg).toContain(url);
    const apiKey = demo.line('API key').apiKey as string;
    expect(apiKey).toMatch(/^demo-[0-9a-f]{32}$/);
    expect(demo.line('API key').msg).toContain(apiKey);
    const workspace = demo.line('built-in tools on').workspace as string;
    expect(existsSync(`${workspace}/welcome.txt`)).toBe(true);

    // The curl command, as printed: a completed response of agentport-demo that says it is the demo.
    const curl = printedCommand(demo.line('Try it with curl').msg, 'curl');
    expect(curl).toContain(apiKey);
    const response = JSON.parse(await paste(curl)) as { status: string; model: string; output: Array<{ type: string; content?: Array<{ text: string }> }> };
    expect(response.status).toBe('completed');
    expect(response.model).toBe('agentport-demo');
    const text = response.output.find((item) => item.type === 'message')!.content![0]!.text;
    expect(text).toContain('agentport-demo, a scripted demo model (not an LLM');
    expect(text).toContain('You said: "Hello, who are you?"');

    // The openai SDK command, as printed: the demo calls a built-in tool, which lists its folder.
    const sdk = printedCommand(demo.line('Or with the openai SDK').msg, 'node');
    const sdkOutput = await paste(sdk);
    expect(sdkOutput).toContain('mcp_call list_directory -> message');
    expect(sdkOutput).toContain('It called the built-in tool list_directory');
    expect(sdkOutput).toContain('welcome.txt (');

    // The sandboxed code interpreter is on too, and the shell tool stays in the folder.
    const python = await createResponse(url, apiKey, { input: 'Run some Python, please', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] });
    expect(python.status).toBe(200);
    const pythonBody = await python.json() as { output: Array<{ type: string; outputs?: Array<{ logs: string }> }> };
    expect(pythonBody.output.map((item) => item.type)).toEqual(['code_interpreter_call', 'message']);
    expect(pythonBody.output[0]!.outputs![0]!.logs).toContain('5050');
    const shellCall = await createResponse(url, apiKey, { input: 'Use the shell', tools: [{ type: 'mcp', server_label: 'builtin', allowed_tools: ['shell'] }] });
    const shellBody = await shellCall.json() as { id: string; output: Array<{ type: string; name?: string; output?: string }> };
    expect(shellBody.output[0]).toMatchObject({ type: 'mcp_call', name: 'shell', output: expect.stringContaining('welcome.txt') });

    // The trace viewer the banner points at: its page, and the traces of the runs above for the demo's key.
    const viewer = demo.line('See what each run did').url as string;
    expect(viewer).toBe(`http://127.0.0.1:${port}/ui/`);
    const page = await fetch(viewer);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="app">');
    const traces = await fetch(`${url}/traces`, { headers: { authorization: `Bearer ${apiKey}` } });
    const listed = (await traces.json() as { data: Array<{ id: string }> }).data.map((row) => row.id);
    expect(listed).toContain(shellBody.id);

    // Another key, or none, is refused.
    expect((await createResponse(url, 'demo-0000', { input: 'hi' })).status).toBe(401);
    expect((await fetch(`${url}/models`)).status).toBe(401);

    // SIGTERM stops it cleanly and its temp folder (tools' workspace and SQLite file) is gone.
    const exited = new Promise<number | null>((resolve) => demo.child.once('exit', resolve));
    demo.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(demo.lines.at(-1)!.msg).toBe('stopped');
    expect(existsSync(workspace)).toBe(false);
    expect(existsSync(dirname(workspace))).toBe(false);
  }, 90_000);

  it('refuses a bad --port with the demo usage text', async () => {
    const { code, stderr } = await runCli(['demo', '--port', 'eighty']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
    expect(stderr).toContain('Usage: agentport demo');
  });
});

function createResponse(url: string, apiKey: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'agentport-demo', ...body }),
  });
}
