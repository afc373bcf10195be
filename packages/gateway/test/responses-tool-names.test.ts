import { MemoryStateStore, type ServerTool, silentLogger, staticToolProvider } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway } from '../src/gateway.js';

const parameters = { type: 'object', properties: { city: { type: 'string' } } };
const weather = (): ServerTool => ({ name: 'weather', parameters, execution: 'server', execute: async () => ({ output: 'sunny' }) });

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

async function post(providers: ReturnType<typeof staticToolProvider>[], body: unknown) {
  const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'unused' }] }]);
  gateway = await Gateway.create({ store: new MemoryStateStore(), model, tools: providers, config: { port: 0 }, logger: silentLogger });
  await gateway.listen();
  const response = await fetch(`${gateway.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() as { error?: { code: string; param: string | null } }, model };
}

describe('tool names in one request', () => {
  it('refuses a function tool named like a server tool, before calling the model', async () => {
    const { status, body, model } = await post([staticToolProvider('test', [weather()])], {
      model: 'model', input: 'hi', tools: [{ type: 'function', name: 'weather', parameters }],
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'duplicate_tool_name', param: 'tools' });
    expect(model.callCount).toBe(0);
  });

  it('refuses two providers offering a tool of the same name', async () => {
    const { status, body } = await post([staticToolProvider('a', [weather()]), staticToolProvider('b', [weather()])], { model: 'model', input: 'hi' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'duplicate_tool_name' });
  });
});
