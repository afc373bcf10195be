// One real Codex CLI session against agentport, run INSIDE a private network namespace (the
// test starts it with `unshare -n`): a fake vLLM server, the gateway composed as `agentport
// serve` composes it (vLLM adapter, a store, the gateway plugin), then the example's script
// (src/main.ts) running `codex exec`. Prints one JSON line: the summary the test checks.
// Nothing here can reach beyond this namespace's lo.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type JsonValue, memoryStore, silentLogger } from '@agentport/core';
import { GATEWAY_HANDLE, gateway, type RouteRegistrar } from '@agentport/gateway';
import { vllm } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import { runWorkspaceScript } from '../../../../scripts/run-workspace-script.js';
import { PROVIDER_NAME, type CodexTransport } from '../../src/codex-home.js';
import { COMPACTION_SUMMARY } from './compaction-summary.js';

export interface CodexSessionRequest {
  transport: CodexTransport;
  prompt: string;
  /** The command the fake model asks Codex's shell tool to run. */
  command: string;
  /** What the fake model answers once it has seen the command's output. */
  finalMessage: string;
  /** Codex is killed after this long. */
  timeoutMs: number;
  /**
   * Codex's `model_auto_compact_token_limit`: with it, the tool call's turn reports more input
   * tokens than that, so Codex compacts the conversation before it goes on.
   */
  autoCompactTokenLimit?: number;
}


/** A request body as the gateway received it from Codex, cut to what the test reads. */
export interface SeenCodexRequest {
  store: unknown;
  include: unknown;
  parallelToolCalls: unknown;
  previousResponseId: unknown;
  tools: Array<{ type: string; name?: string; members?: string[] }>;
  input: Array<Record<string, JsonValue>>;
}

export interface CodexSessionSummary {
  /** The network interfaces this process sees: only `lo` inside the namespace. */
  interfaces: string[];
  codex: { exitCode: number | null; signal: string | null; lastMessage: string | null; stdout: string; stderr: string };
  /** `POST /v1/responses` bodies, in order. */
  httpRequests: SeenCodexRequest[];
  /** `POST /v1/responses/compact` bodies (Codex's remote compaction), in order. */
  compactRequests: SeenCodexRequest[];
  /** WebSocket upgrades the gateway received. */
  websocketUpgrades: number;
  /** What the fake vLLM received: the tools the model was offered and the messages. */
  upstream: Array<{ tools: Array<{ name: string; parameters: unknown }>; messages: Array<Record<string, unknown>> }>;
  /** The shell tool the fake model called, with the arguments it gave. */
  shellCall: { name: string; arguments: Record<string, unknown> } | null;
  /** Upstream calls that asked the model to compact, and later ones that held its summary. */
  compaction: { asked: number; answeredFromSummary: number };
}

const exampleScript = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const MODEL = 'fake-model';
const API_KEY = 'sk-codex-e2e';
const API_KEY_ENV = 'AGENTPORT_API_KEY';

const request = JSON.parse(process.argv[2] ?? '{}') as CodexSessionRequest;
const summary = await runSession(request);
process.stdout.write(`${JSON.stringify(summary)}\n`);

async function runSession(session: CodexSessionRequest): Promise<CodexSessionSummary> {
  const scratch = await mkdtemp(join(tmpdir(), 'agentport-codex-e2e-'));
  let shellCall: CodexSessionSummary['shellCall'] = null;
  const compaction = { asked: 0, answeredFromSummary: 0 };
  const fake = await new FakeVllmServer({
    models: [{ id: MODEL, maxModelLen: 32_768 }],
    handler: (chat) => {
      const turn = scriptedTurn(chat, session);
      if (turn.call) shellCall = turn.call;
      if (turn.kind === 'compaction') compaction.asked += 1;
      if (turn.kind === 'from_summary') compaction.answeredFromSummary += 1;
      return turn.reply;
    },
  }).start();

  const httpRequests: SeenCodexRequest[] = [];
  const compactRequests: SeenCodexRequest[] = [];
  let websocketUpgrades = 0;
  const recordCodexRequests: RouteRegistrar = (app) => {
    app.addHook('preHandler', async (incoming) => {
      const path = incoming.url.split('?')[0];
      if (incoming.method === 'POST' && path === '/v1/responses') httpRequests.push(seen(incoming.body));
      if (incoming.method === 'POST' && path === '/v1/responses/compact') compactRequests.push(seen(incoming.body));
    });
    app.server.on('upgrade', () => { websocketUpgrades += 1; });
  };
  const app = await createApp({
    plugins: [vllm(), memoryStore(), gateway({ routes: [recordCodexRequests] })],
    logger: silentLogger,
    config: {
      env: {},
      overrides: {
        vllm: { baseUrl: fake.url, model: MODEL },
        gateway: { host: '127.0.0.1', port: 0, apiKeys: [`${API_KEY}:codex`] },
      },
    },
  });
  await app.start();
  try {
    const baseUrl = `${app.get(GATEWAY_HANDLE).gateway!.url}/v1`;
    const workdir = await mkdtemp(join(scratch, 'work-'));
    const lastMessagePath = join(scratch, 'last-message.txt');
    // A failure should show at once, not after Codex's retries.
    const noRetries = ['request_max_retries', 'stream_max_retries'].flatMap((key) => ['-c', `model_providers.${PROVIDER_NAME}.${key}=0`]);
    // Codex's own sandbox goes through bwrap when it is installed (CI installs it for our shell
    // tool) and then needs its codex-linux-sandbox helper, which the npm package lacks; the test
    // already confines Codex to a private network namespace and a scratch folder.
    const noCodexSandbox = ['--sandbox', 'danger-full-access'];
    const compactAt = session.autoCompactTokenLimit === undefined ? [] : ['-c', `model_auto_compact_token_limit=${session.autoCompactTokenLimit}`];
    const codex = await runWorkspaceScript(
      exampleScript,
      [
        '--base-url', baseUrl, '--model', MODEL, '--transport', session.transport, '--codex-home', join(scratch, 'codex-home'), '--',
        'exec', ...noRetries, ...noCodexSandbox, ...compactAt, '--skip-git-repo-check', '--ephemeral', '--color', 'never', '-C', workdir, '-o', lastMessagePath, session.prompt,
      ],
      { env: { HOME: scratch, [API_KEY_ENV]: API_KEY }, timeoutMs: session.timeoutMs },
    );
    const lastMessage = await readFile(lastMessagePath, 'utf8').catch(() => null);
    return {
      interfaces: Object.keys(networkInterfaces()),
      codex: { ...codex, lastMessage },
      httpRequests,
      compactRequests,
      websocketUpgrades,
      upstream: fake.chatRequests.map(upstreamView),
      shellCall,
      compaction,
    };
  } finally {
    await app.stop();
    await fake.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Turn 1: call the shell tool Codex offers; once a tool's output (or the summary of a compaction
 * that holds it) is in the messages: the final answer. Asked to compact (Codex's own prompt, or
 * the gateway's for /v1/responses/compact): the summary.
 */
function scriptedTurn(chat: RecordedRequest, session: CodexSessionRequest): {
  reply: FakeTurn; call?: NonNullable<CodexSessionSummary['shellCall']>; kind?: 'compaction' | 'from_summary';
} {
  const body = chat.body as { messages: Array<{ role: string; content?: unknown }>; tools?: Array<{ function: { name: string } }> };
  const last = body.messages.at(-1);
  const lastText = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  if (last?.role === 'user' && /CONTEXT CHECKPOINT COMPACTION|is being compacted/i.test(lastText)) {
    return { reply: { parts: [{ type: 'text', text: COMPACTION_SUMMARY }] }, kind: 'compaction' };
  }
  if (JSON.stringify(body.messages).includes(COMPACTION_SUMMARY)) {
    return { reply: { parts: [{ type: 'text', text: session.finalMessage }] }, kind: 'from_summary' };
  }
  if (last?.role === 'tool') return { reply: { parts: [{ type: 'text', text: session.finalMessage }] } };
  const offered = new Set((body.tools ?? []).map((tool) => tool.function.name));
  // Codex's shell tool depends on the model's `shell_type` and its features; each takes the command its own way.
  const call = offered.has('exec_command') ? { name: 'exec_command', arguments: { cmd: session.command } }
    : offered.has('shell_command') ? { name: 'shell_command', arguments: { command: session.command } }
      : offered.has('shell') ? { name: 'shell', arguments: { command: ['bash', '-lc', session.command] } }
        : undefined;
  if (!call) return { reply: { parts: [{ type: 'text', text: `no shell tool among: ${[...offered].join(', ')}` }] } };
  return {
    call,
    reply: {
      parts: [{ type: 'reasoning', text: 'The user wants the command run; call the shell tool.' }, { type: 'tool-call', name: call.name, input: call.arguments }],
      ...(session.autoCompactTokenLimit === undefined ? {} : { usage: { inputTokens: session.autoCompactTokenLimit * 2 } }),
    },
  };
}

function seen(body: unknown): SeenCodexRequest {
  const request = (body ?? {}) as Record<string, unknown>;
  const tools = Array.isArray(request.tools) ? request.tools as Array<Record<string, unknown>> : [];
  const input = Array.isArray(request.input) ? request.input as Array<Record<string, JsonValue>> : [];
  return {
    store: request.store,
    include: request.include,
    parallelToolCalls: request.parallel_tool_calls,
    previousResponseId: request.previous_response_id,
    tools: tools.map((tool) => ({
      type: String(tool.type),
      ...(typeof tool.name === 'string' ? { name: tool.name } : {}),
      ...(Array.isArray(tool.tools) ? { members: (tool.tools as Array<{ name?: string }>).map((member) => String(member.name)) } : {}),
    })),
    // Message texts are Codex's long prompts: only their role and size matter here.
    input: input.map((item) => item.type === 'message' ? { type: 'message', role: item.role ?? null, size: JSON.stringify(item.content).length } : item),
  };
}

function upstreamView(chat: RecordedRequest): CodexSessionSummary['upstream'][number] {
  const body = chat.body as { tools?: Array<{ function: { name: string; parameters: unknown } }>; messages: Array<Record<string, unknown>> };
  return {
    tools: (body.tools ?? []).map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters })),
    messages: body.messages.map((message) => (message.role === 'system' || message.role === 'user') && typeof message.content === 'string' && message.content.length > 500
      ? { role: message.role, size: message.content.length }
      : message),
  };
}
