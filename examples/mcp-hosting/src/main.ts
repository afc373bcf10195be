// The gateway hosting the MCP server of ../mcp.json, and one request that uses its tools:
//   AGENTPORT_VLLM__BASE_URL=http://127.0.0.1:8000/v1 node dist/main.js "Do we have blue mugs in stock?"
// The gateway connects the server once at start (a stdio child process here); a request names it
// with {"type": "mcp", "server_label": "inventory"} and its tool calls run in the gateway, as
// `mcp_call` items the client sees. Every AGENTPORT_* setting applies (AGENTPORT_MCP__SERVERS_FILE,
// AGENTPORT_GATEWAY__PORT, …); by default the gateway listens on a free port of 127.0.0.1.
import { fileURLToPath } from 'node:url';
import { createApp, memoryStore } from '@agentport/core';
import { GATEWAY_HANDLE, gateway } from '@agentport/gateway';
import { mcpHosting } from '@agentport/tools-builtin';
import { vllm } from '@agentport/vllm-adapter';
import OpenAI from 'openai';

const SERVERS_FILE = fileURLToPath(new URL('../mcp.json', import.meta.url));
const question = process.argv[2] ?? 'Do we have blue mugs in stock?';
const say = (text: string): void => { process.stdout.write(`${text}\n`); };

const app = await createApp({
  plugins: [vllm(), memoryStore(), mcpHosting(), gateway()],
  config: { env: { AGENTPORT_MCP__SERVERS_FILE: SERVERS_FILE, AGENTPORT_GATEWAY__PORT: '0', ...process.env } },
});
await app.start();
try {
  const url = app.get(GATEWAY_HANDLE).gateway!.url;
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: process.env.OPENAI_API_KEY ?? 'no-key' });

  const servers = await (await fetch(`${url}/v1/mcp/servers`, { headers: { authorization: `Bearer ${client.apiKey}` } })).json() as {
    data: Array<{ server_label: string; status: string; tool_count: number }>;
  };
  for (const server of servers.data) say(`hosted: ${server.server_label} (${server.status}, ${server.tool_count} tools)`);

  const model = (await client.models.list()).data[0]?.id ?? 'default';
  say(`Q: ${question}`);
  const response = await client.responses.create({
    model,
    input: question,
    tools: [{ type: 'mcp', server_label: 'inventory', require_approval: 'never' }],
  });
  for (const item of response.output) {
    if (item.type === 'mcp_list_tools') say(`[tools of ${item.server_label}: ${item.tools.map((tool) => tool.name).join(', ')}]`);
    if (item.type === 'mcp_call') say(`[${item.server_label}.${item.name}(${item.arguments}) -> ${item.error ? `error: ${item.error}` : item.output}]`);
  }
  say(`A: ${response.output_text}`);
  process.exitCode = response.status === 'completed' ? 0 : 1;
} finally {
  await app.stop();
}
