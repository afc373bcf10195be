import { type AnyPlugin, type App, createApp, memoryStore, TOKENS } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_HANDLE, gateway } from '../src/gateway-plugin.js';

/** A log destination that keeps every line the app writes, parsed. */
function captureLines(): { write(line: string): void; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (line) => { lines.push(JSON.parse(line) as Record<string, unknown>); } };
}

/** The scripted model as the upstream: it answers one text per call. */
function scriptedModel(): AnyPlugin {
  return {
    name: 'scripted',
    register(ctx) {
      ctx.bind(TOKENS.AgentModel, new ScriptedModel([{ parts: [{ type: 'text', text: 'hi there' }] }]));
      ctx.logger.info('scripted model bound');
      ctx.logger.debug('a debug line from a plugin');
    },
  };
}

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function startApp(level: string): Promise<{ url: string; lines: Array<Record<string, unknown>> }> {
  const capture = captureLines();
  app = await createApp({
    plugins: [memoryStore(), scriptedModel(), gateway()],
    logDestination: capture,
    config: { env: { AGENTPORT_LOG__LEVEL: level }, overrides: { gateway: { port: 0, apiKeys: ['key-a:team-a'] } } },
  });
  await app.start();
  return { url: app.get(GATEWAY_HANDLE).gateway!.url, lines: capture.lines };
}

describe('one logger for the whole app', () => {
  it('writes fastify\'s lines and every plugin\'s to the same stream, each request\'s lines with its request id and tenant', async () => {
    const { url, lines } = await startApp('debug');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'key-a', maxRetries: 0 });
    const response = await client.responses.create({ model: 'scripted:model', input: 'hello' }).withResponse();
    const requestId = response.response.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);

    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', plugin: 'scripted', msg: 'scripted model bound' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'debug', plugin: 'scripted', msg: 'a debug line from a plugin' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', plugin: 'gateway', msg: 'listening' }));
    const ofRequest = lines.filter((line) => line.reqId === requestId);
    // fastify's own lines (at debug) for the request: it came in, and it was answered.
    expect(ofRequest.map((line) => line.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    for (const line of ofRequest) expect(line).toMatchObject({ reqId: requestId, tenant: 'team-a', plugin: 'gateway' });
  });

  it('applies one configured level to every package: at warn, no info or debug line from anyone', async () => {
    const { url, lines } = await startApp('warn');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'key-a', maxRetries: 0 });
    await client.responses.create({ model: 'scripted:model', input: 'hello' });
    const unauthenticated = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(unauthenticated.responses.create({ model: 'scripted:model', input: 'hello' })).rejects.toMatchObject({ status: 401 });
    expect(lines.filter((line) => line.level === 'info' || line.level === 'debug')).toEqual([]);
  });

  it('refuses a level that does not exist, naming the env var', async () => {
    await expect(createApp({ plugins: [memoryStore()], config: { env: { AGENTPORT_LOG__LEVEL: 'loud' } } }))
      .rejects.toThrow(/AGENTPORT_LOG__LEVEL/);
  });
});
