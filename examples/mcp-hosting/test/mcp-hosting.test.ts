import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let server: FakeVllmServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

describe('examples/mcp-hosting', () => {
  it('hosts the inventory MCP server and answers a question with its tool, through the gateway', async () => {
    server = await new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B' }] }).start();
    server.enqueue({ parts: [{ type: 'tool-call', name: 'stock_level', input: { sku: 'MUG-BLUE' } }] });
    server.enqueue({ parts: [{ type: 'text', text: 'Yes: 12 blue enamel mugs are in stock.' }] });

    const { stdout } = await promisify(execFile)(process.execPath, [main, 'Do we have blue mugs in stock?'], {
      env: { ...process.env, AGENTPORT_VLLM__BASE_URL: server.url, AGENTPORT_LOG__LEVEL: 'silent' },
      timeout: 20_000,
    });

    expect(stdout.split('\n')).toEqual([
      'hosted: inventory (connected, 2 tools)',
      'Q: Do we have blue mugs in stock?',
      '[tools of inventory: find_products, stock_level]',
      '[inventory.stock_level({"sku":"MUG-BLUE"}) -> 12 × Blue enamel mug in stock]',
      'A: Yes: 12 blue enamel mugs are in stock.',
      '',
    ]);
    const chats = server.chatRequests.map((request) => request.body as { tools?: Array<{ function: { name: string } }>; messages: Array<Record<string, unknown>> });
    expect(chats).toHaveLength(2);
    expect(chats[0]!.tools?.map((tool) => tool.function.name)).toEqual(['find_products', 'stock_level']);
    expect(chats[1]!.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: expect.any(String), content: '12 × Blue enamel mug in stock' });
  });
});
