// One real Claude Code session against agentport's Messages API, run INSIDE a private network
// namespace (the test starts it with `unshare -n`): a fake vLLM server, the gateway composed as
// `agentport serve` composes it (vLLM adapter, a store, the gateway plugin), then the example's
// script (src/main.ts) running `claude -p`. Prints one JSON line: the summary the test checks.
// Nothing here can reach beyond this namespace's lo.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, memoryStore, silentLogger } from '@agentport/core';
import { GATEWAY_HANDLE, gateway, type RouteRegistrar } from '@agentport/gateway';
import { vllm } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import { runWorkspaceScript, type ScriptOutcome } from '../../../../scripts/run-workspace-script.js';

export interface ClaudeSessionRequest {
  prompt: string;
  /** The file the task is about, in Claude Code's working directory, with its first content. */
  file: { name: string; content: string };
  /** The edit the fake model asks Claude Code's Edit tool to make. */
  edit: { oldString: string; newString: string };
  /** The command the fake model asks Claude Code's Bash tool to run once the file is edited. */
  command: string;
  /** What the fake model answers once it has seen the command's output. */
  finalMessage: string;
  /** Claude Code is killed after this long. */
  timeoutMs: number;
  /** The key Claude Code sends, when not the gateway's own (to see a refusal). */
  apiKey?: string;
}

/** A `POST /v1/messages` as the gateway received it from Claude Code, cut to what the test reads. */
export interface SeenMessagesRequest {
  url: string;
  headers: { xApiKey: boolean; authorization: boolean; anthropicVersion: string | null; anthropicBeta: string | null };
  stream: unknown;
  model: unknown;
  maxTokens: unknown;
  /** Top-level fields of the body, sorted: what Claude Code sends. */
  fields: string[];
  tools: string[];
  /** Content block types in the messages, in order. */
  blocks: string[];
  status: number;
}

export interface ClaudeSessionSummary {
  /** The network interfaces this process sees: only `lo` inside the namespace. */
  interfaces: string[];
  claude: ScriptOutcome;
  /** The file after the session. */
  fileAfter: string | null;
  /** `POST /v1/messages` requests (and count_tokens), in order. */
  messagesRequests: SeenMessagesRequest[];
  /** Other requests the gateway got, `METHOD path status`. */
  otherRequests: string[];
  /** What the fake vLLM received for the task's turns: the tools offered and the tool results. */
  upstream: Array<{ tools: string[]; toolResults: string[] }>;
  /** The tools the fake model called, in order. */
  calls: Array<{ name: string; input: Record<string, unknown> }>;
}

const exampleScript = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const MODEL = 'fake-model';
const API_KEY = 'sk-claude-e2e';

const request = JSON.parse(process.argv[2] ?? '{}') as ClaudeSessionRequest;
const summary = await runSession(request);
process.stdout.write(`${JSON.stringify(summary)}\n`);

async function runSession(session: ClaudeSessionRequest): Promise<ClaudeSessionSummary> {
  const scratch = await mkdtemp(join(tmpdir(), 'agentport-claude-e2e-'));
  const workdir = join(scratch, 'work');
  await mkdir(workdir);
  const filePath = join(workdir, session.file.name);
  await writeFile(filePath, session.file.content);
  const calls: ClaudeSessionSummary['calls'] = [];
  const fake = await new FakeVllmServer({
    models: [{ id: MODEL, maxModelLen: 200_000 }],
    handler: (chat) => {
      const turn = scriptedTurn(chat, session, filePath);
      if (turn.call) calls.push(turn.call);
      return turn.reply;
    },
  }).start();

  const messagesRequests: SeenMessagesRequest[] = [];
  const otherRequests: string[] = [];
  const recordRequests: RouteRegistrar = (app) => {
    app.addHook('onResponse', async (incoming, reply) => {
      const path = incoming.url.split('?')[0]!;
      if (incoming.method === 'POST' && path.startsWith('/v1/messages')) messagesRequests.push(seen(incoming.url, incoming.headers, incoming.body, reply.statusCode));
      else otherRequests.push(`${incoming.method} ${path} ${reply.statusCode}`);
    });
  };
  const app = await createApp({
    plugins: [vllm(), memoryStore(), gateway({ routes: [recordRequests] })],
    logger: silentLogger,
    config: {
      env: {},
      overrides: {
        vllm: { baseUrl: fake.url, model: MODEL },
        gateway: { host: '127.0.0.1', port: 0, apiKeys: [`${API_KEY}:claude`] },
      },
    },
  });
  await app.start();
  try {
    const baseUrl = app.get(GATEWAY_HANDLE).gateway!.url;
    const claude = await runWorkspaceScript(
      exampleScript,
      [
        '--base-url', baseUrl, '--model', MODEL, '--config-dir', join(scratch, 'claude-config'), '--',
        '-p', session.prompt, '--output-format', 'json', '--max-turns', '8',
        // Headless: the three tools the task needs are allowed up front, nothing else is asked.
        '--allowedTools', 'Read,Edit,Bash', '--permission-mode', 'acceptEdits',
      ],
      // A failure should show at once, not after Claude Code's retries.
      { env: { HOME: scratch, AGENTPORT_API_KEY: session.apiKey ?? API_KEY, CLAUDE_CODE_MAX_RETRIES: '0' }, cwd: workdir, timeoutMs: session.timeoutMs },
    );
    return {
      interfaces: Object.keys(networkInterfaces()),
      claude,
      fileAfter: await readFile(filePath, 'utf8').catch(() => null),
      messagesRequests,
      otherRequests,
      upstream: fake.chatRequests.filter(offersTaskTools).map(upstreamView),
      calls,
    };
  } finally {
    await app.stop();
    await fake.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

interface ChatBody {
  messages: Array<{ role: string; content?: unknown }>;
  tools?: Array<{ function: { name: string } }>;
}

/** A call of the task (Claude Code's main loop offers its tools); side calls (titles, summaries) offer none. */
function offersTaskTools(chat: RecordedRequest): boolean {
  const names = new Set(((chat.body as ChatBody).tools ?? []).map((tool) => tool.function.name));
  return names.has('Read') && names.has('Edit') && names.has('Bash');
}

/**
 * The task, one tool per turn: Read the file, Edit it, run the command with Bash, then the final
 * answer. Which turn it is comes from the tool results in the messages. A side call gets a short text.
 */
function scriptedTurn(chat: RecordedRequest, session: ClaudeSessionRequest, filePath: string): { reply: FakeTurn; call?: ClaudeSessionSummary['calls'][number] } {
  if (!offersTaskTools(chat)) return { reply: { parts: [{ type: 'text', text: 'Editing a file' }] } };
  const done = (chat.body as ChatBody).messages.filter((message) => message.role === 'tool').length;
  const plan: Array<ClaudeSessionSummary['calls'][number]> = [
    { name: 'Read', input: { file_path: filePath } },
    { name: 'Edit', input: { file_path: filePath, old_string: session.edit.oldString, new_string: session.edit.newString } },
    { name: 'Bash', input: { command: session.command, description: 'Run the check' } },
  ];
  const call = plan[done];
  if (!call) return { reply: { parts: [{ type: 'text', text: session.finalMessage }] } };
  return {
    call,
    reply: { parts: [{ type: 'reasoning', text: `Step ${done + 1}: use ${call.name}.` }, { type: 'tool-call', name: call.name, input: call.input }] },
  };
}

function seen(url: string, headers: Record<string, string | string[] | undefined>, body: unknown, status: number): SeenMessagesRequest {
  const request = (body ?? {}) as Record<string, unknown>;
  const header = (name: string) => {
    const value = headers[name];
    return value === undefined ? null : String(value);
  };
  const messages = Array.isArray(request.messages) ? request.messages as Array<{ content?: unknown }> : [];
  return {
    url,
    headers: { xApiKey: headers['x-api-key'] === API_KEY, authorization: headers.authorization !== undefined, anthropicVersion: header('anthropic-version'), anthropicBeta: header('anthropic-beta') },
    stream: request.stream,
    model: request.model,
    maxTokens: request.max_tokens,
    fields: Object.keys(request).sort(),
    tools: Array.isArray(request.tools) ? (request.tools as Array<{ name?: string }>).map((tool) => String(tool.name)) : [],
    blocks: messages.flatMap((message) => Array.isArray(message.content) ? (message.content as Array<{ type?: string }>).map((block) => String(block.type)) : ['text']),
    status,
  };
}

function upstreamView(chat: RecordedRequest): ClaudeSessionSummary['upstream'][number] {
  const body = chat.body as ChatBody;
  return {
    tools: (body.tools ?? []).map((tool) => tool.function.name),
    toolResults: body.messages.filter((message) => message.role === 'tool').map((message) => typeof message.content === 'string' ? message.content : JSON.stringify(message.content)),
  };
}
