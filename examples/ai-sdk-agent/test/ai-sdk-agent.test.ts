import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let server: FakeVllmServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

describe('examples/ai-sdk-agent', () => {
  it('runs the custom agent on an AI SDK provider: a draft call, then a streamed revision', async () => {
    server = await new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 32_768 }] }).start();
    server.enqueue({ parts: [{ type: 'text', text: 'A first, wordy draft about logs.' }], usage: { inputTokens: 12, outputTokens: 7 } });
    server.enqueue({ parts: [{ type: 'text', text: 'WAL logs changes before applying them.' }], usage: { inputTokens: 30, outputTokens: 6 } });
    const { stdout } = await promisify(execFile)(process.execPath, [main, 'What is WAL?'], {
      env: { ...process.env, OPENAI_COMPATIBLE_BASE_URL: server.url, OPENAI_COMPATIBLE_API_KEY: 'local-key' },
    });
    expect(stdout).toContain('Q: What is WAL?');
    expect(stdout).toContain('A: WAL logs changes before applying them.');
    expect(stdout).toContain('[completed; 55 tokens]');
    const chats = server.chatRequests;
    expect(chats).toHaveLength(2);
    expect(chats[0]!.headers.authorization).toBe('Bearer local-key');
    expect(chats[1]!.body).toMatchObject({
      model: 'Qwen/Qwen3-8B',
      stream: true,
      messages: [
        { role: 'user', content: 'What is WAL?' },
        { role: 'assistant', content: 'A first, wordy draft about logs.' },
        { role: 'user', content: 'Revise your draft: make it shorter and clearer. Reply with the revision only.' },
      ],
    });
  });
});
