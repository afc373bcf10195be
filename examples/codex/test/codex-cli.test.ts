import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInPrivateNetwork } from '../../../scripts/private-network-session.js';
import type { CodexSessionRequest, CodexSessionSummary } from './support/codex-session.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const sessionScript = fileURLToPath(new URL('./support/codex-session.ts', import.meta.url));

const COMMAND = 'echo agentport-e2e-ok';
const FINAL_MESSAGE = 'The check command printed agentport-e2e-ok.';
const SESSION_TIMEOUT_MS = 90_000;

/** Runs one Codex session (fake vLLM, gateway, `codex exec`) in a network namespace of its own. */
function runCodexInPrivateNetwork(transport: CodexSessionRequest['transport'], options: Pick<CodexSessionRequest, 'autoCompactTokenLimit'> = {}): Promise<CodexSessionSummary> {
  const request: CodexSessionRequest = {
    transport, command: COMMAND, finalMessage: FINAL_MESSAGE, timeoutMs: SESSION_TIMEOUT_MS,
    prompt: 'Run the check command and tell me what it printed.', ...options,
  };
  return runInPrivateNetwork({ script: sessionScript, request, cwd: exampleDir, client: 'Codex' });
}

/** The command's output as the model received it: the tool message of the second upstream request. */
function toolOutputsSeenByModel(summary: CodexSessionSummary): string[] {
  return (summary.upstream[1]?.messages ?? []).filter((message) => message.role === 'tool').map((message) => String(message.content));
}

function expectCodexFinished(summary: CodexSessionSummary): void {
  expect(summary.interfaces).toEqual(['lo']);
  expect(summary.codex, summary.codex.stderr).toMatchObject({ exitCode: 0, signal: null });
  expect(summary.codex.lastMessage?.trim()).toBe(FINAL_MESSAGE);
  expect(summary.codex.stdout).toContain(FINAL_MESSAGE);
  expect(summary.shellCall).not.toBeNull();
  expect(summary.upstream).toHaveLength(2);
  expect(toolOutputsSeenByModel(summary)).toEqual([expect.stringContaining('agentport-e2e-ok')]);
}

describe('the real Codex CLI (@openai/codex) against agentport', () => {
  it('runs codex exec over HTTP: the shell tool\'s output reaches the model in the second turn, and Codex ends with its answer', async () => {
    const summary = await runCodexInPrivateNetwork('http');

    expectCodexFinished(summary);
    expect(summary.websocketUpgrades).toBe(0);
    expect(summary.httpRequests).toHaveLength(2);
    const [first, second] = summary.httpRequests as [CodexSessionSummary['httpRequests'][number], CodexSessionSummary['httpRequests'][number]];
    // What Codex sends over HTTP: stateless turns that ask for sealed reasoning.
    expect(first).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], parallelToolCalls: true });
    // The gateway's catalog made Codex offer apply_patch as a custom (freeform) tool.
    expect(first.tools).toContainEqual({ type: 'custom', name: 'apply_patch' });
    const call = second.input.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ name: summary.shellCall!.name, arguments: JSON.stringify(summary.shellCall!.arguments) });
    expect(second.input).toContainEqual(expect.objectContaining({
      type: 'function_call_output', call_id: call.call_id, output: expect.stringContaining('agentport-e2e-ok'),
    }));
    // The reasoning came back sealed, and the model saw it again in the second turn.
    expect(second.input).toContainEqual(expect.objectContaining({ type: 'reasoning', encrypted_content: expect.stringMatching(/^ap1\./) }));
    expect(summary.upstream[1]!.messages).toContainEqual(expect.objectContaining({ role: 'assistant', reasoning: expect.stringContaining('call the shell tool') }));

    // The model saw Codex's tools in shapes it can call: apply_patch as a function of one string, namespaces flattened.
    const offered = summary.upstream[0]!.tools;
    expect(offered.find((tool) => tool.name === 'apply_patch')!.parameters).toMatchObject({
      type: 'object', properties: { input: { type: 'string' } }, required: ['input'],
    });
    const namespaced = first.tools.filter((tool) => tool.type === 'namespace').flatMap((tool) => (tool.members ?? []).map((member) => `${tool.name}__${member}`));
    expect(offered.map((tool) => tool.name)).toEqual(expect.arrayContaining(namespaced));
    expect(offered.map((tool) => tool.name)).not.toContain('web_search');
  }, 120_000);

  it('runs codex exec over WebSocket (supports_websockets = true): one socket, no HTTP turns, the same result', async () => {
    const summary = await runCodexInPrivateNetwork('websocket');

    expectCodexFinished(summary);
    expect(summary.websocketUpgrades).toBeGreaterThanOrEqual(1);
    expect(summary.httpRequests).toEqual([]);
  }, 120_000);

  it('compacts with codex exec when the conversation passes model_auto_compact_token_limit, and finishes on the compacted history', async () => {
    const summary = await runCodexInPrivateNetwork('http', { autoCompactTokenLimit: 2_000 });

    expect(summary.interfaces).toEqual(['lo']);
    expect(summary.codex, summary.codex.stderr).toMatchObject({ exitCode: 0, signal: null });
    expect(summary.codex.lastMessage?.trim()).toBe(FINAL_MESSAGE);
    // The model was asked to summarise (by Codex's prompt through /v1/responses, or the gateway's
    // through /v1/responses/compact), and a later call was answered from that summary.
    expect(summary.compaction.asked, JSON.stringify({ http: summary.httpRequests.length, compact: summary.compactRequests.length })).toBeGreaterThanOrEqual(1);
    expect(summary.compaction.answeredFromSummary).toBeGreaterThanOrEqual(1);
    // Codex 0.169 compacts locally for a provider that is not OpenAI's (a turn with its own
    // prompt); the gateway's /v1/responses/compact answers the remote kind (codex-compaction.test.ts).
    expect(summary.compactRequests).toEqual([]);
    expect(summary.httpRequests).toHaveLength(3);
  }, 120_000);
});
