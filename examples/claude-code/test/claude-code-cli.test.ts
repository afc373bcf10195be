import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInPrivateNetwork } from '../../../scripts/private-network-session.js';
import type { ClaudeSessionRequest, ClaudeSessionSummary } from './support/claude-session.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const sessionScript = fileURLToPath(new URL('./support/claude-session.ts', import.meta.url));

const TASK: ClaudeSessionRequest = {
  prompt: 'In notes.txt, change the greeting to "hello agentport", then run the check.',
  file: { name: 'notes.txt', content: 'greeting: hello world\nowner: ops\n' },
  edit: { oldString: 'hello world', newString: 'hello agentport' },
  command: 'grep -c agentport notes.txt',
  finalMessage: 'Done: notes.txt now greets agentport, and the check counted 1 line.',
  timeoutMs: 90_000,
};

/** Claude Code's `--output-format json` result: the last line it prints. */
interface ClaudeResult {
  type: string;
  is_error: boolean;
  result: string;
  num_turns: number;
  api_error_status: number | null;
  api_error_type?: string;
}

function resultOf(summary: ClaudeSessionSummary): ClaudeResult {
  return JSON.parse(summary.claude.stdout.trim().split('\n').at(-1) ?? '{}') as ClaudeResult;
}

/** Runs one Claude Code session (fake vLLM, gateway, `claude -p`) in a network namespace of its own. */
function runClaudeInPrivateNetwork(overrides: Partial<ClaudeSessionRequest> = {}): Promise<ClaudeSessionSummary> {
  return runInPrivateNetwork({ script: sessionScript, request: { ...TASK, ...overrides }, cwd: exampleDir, client: 'Claude Code' });
}

describe('the real Claude Code CLI (@anthropic-ai/claude-code) against agentport\'s Messages API', () => {
  it('reads a file, edits it and runs a command through its own tools, then ends with the model\'s answer', async () => {
    const summary = await runClaudeInPrivateNetwork();

    expect(summary.interfaces).toEqual(['lo']);
    expect(summary.claude, summary.claude.stderr).toMatchObject({ exitCode: 0, signal: null });
    expect(resultOf(summary)).toMatchObject({ type: 'result', is_error: false, result: TASK.finalMessage, num_turns: 4, api_error_status: null });
    // Claude Code's Edit tool changed the file on disk.
    expect(summary.fileAfter).toBe('greeting: hello agentport\nowner: ops\n');
    expect(summary.calls.map((call) => call.name)).toEqual(['Read', 'Edit', 'Bash']);

    // The model saw each tool's result in the next turn: the file as Read shows it, the edit, the command's output.
    const [, afterRead, afterEdit, afterBash] = summary.upstream;
    expect(summary.upstream).toHaveLength(4);
    expect(afterRead!.toolResults).toEqual([expect.stringContaining('greeting: hello world')]);
    expect(afterEdit!.toolResults.at(-1)).toMatch(/has been updated/);
    expect(afterBash!.toolResults.at(-1)?.trim()).toBe('1');
    expect(summary.upstream[0]!.tools).toEqual(expect.arrayContaining(['Read', 'Edit', 'Bash']));

    // What Claude Code sent: streamed requests with its key in x-api-key, all answered 200; from the
    // second on they carry the thinking blocks it got back, whose signatures the gateway verified.
    expect(summary.messagesRequests).toHaveLength(4);
    for (const request of summary.messagesRequests) {
      expect(request).toMatchObject({ status: 200, stream: true, model: 'fake-model', headers: { xApiKey: true, anthropicVersion: '2023-06-01' } });
    }
    expect(summary.messagesRequests[3]!.blocks.filter((block) => block === 'thinking')).toHaveLength(3);
    expect(summary.messagesRequests[3]!.blocks.filter((block) => block === 'tool_result')).toHaveLength(3);
    expect(summary.otherRequests).toEqual([]);
  }, 120_000);

  it('reports the gateway\'s refusal of a wrong key as an authentication error, and runs nothing', async () => {
    const summary = await runClaudeInPrivateNetwork({ apiKey: 'sk-not-a-gateway-key' });

    expect(summary.interfaces).toEqual(['lo']);
    // Claude Code read the gateway's Anthropic-shaped error body as Anthropic's own.
    expect(resultOf(summary)).toMatchObject({ is_error: true, api_error_status: 401, api_error_type: 'authentication_error' });
    expect(summary.claude.exitCode).not.toBe(0);
    expect(summary.messagesRequests.map((request) => request.status)).toEqual([401]);
    expect(summary.upstream).toEqual([]);
    expect(summary.fileAfter).toBe(TASK.file.content);
  }, 120_000);
});
