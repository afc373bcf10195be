import {
  type Agent, MemoryStateStore, type ModelCatalog, type ModelCatalogEntry, type ModelReadiness, ToolLoopAgent, silentLogger,
} from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway, type GatewayParts } from '../src/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

/** A catalog that lists what it is given, or fails like an upstream that went away. */
class SwitchableCatalog implements ModelCatalog {
  failure: Error | undefined;
  listCalls = 0;

  constructor(private readonly entries: ModelCatalogEntry[]) {}

  async listModels(): Promise<ModelCatalogEntry[]> {
    this.listCalls += 1;
    if (this.failure) throw this.failure;
    return this.entries;
  }

  async ready(): Promise<ModelReadiness> {
    return this.failure ? { ready: false, reason: this.failure.message } : { ready: true, model: this.entries[0]?.id ?? '' };
  }
}

function agent(name: string): Agent {
  return new ToolLoopAgent({ name, model: new ScriptedModel([{ parts: [{ type: 'text', text: `I am ${name}` }] }], { id: `scripted:${name}` }) });
}

async function start(parts: Partial<GatewayParts> = {}) {
  gateway = await Gateway.create({
    store: new MemoryStateStore(),
    model: new ScriptedModel([{ parts: [{ type: 'text', text: 'upstream' }] }]),
    ...parts,
    config: { port: 0, ...parts.config },
    logger: silentLogger,
  });
  await gateway.listen();
  return gateway.url;
}

function client(url: string, apiKey = 'k') {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

describe('models', () => {
  it('lists the catalog\'s models and every registered agent', async () => {
    const catalog = new SwitchableCatalog([{ id: 'Qwen/Qwen3-8B', contextWindow: 32768 }, { id: 'local-lora', ownedBy: 'me' }]);
    const api = client(await start({ catalog, agents: [agent('support-bot'), agent('coder')] }));

    const models = [];
    for await (const model of api.models.list()) models.push(model);
    expect(models).toEqual([
      { id: 'Qwen/Qwen3-8B', object: 'model', created: expect.any(Number), owned_by: 'vllm' },
      { id: 'local-lora', object: 'model', created: expect.any(Number), owned_by: 'me' },
      { id: 'support-bot', object: 'model', created: expect.any(Number), owned_by: 'agentport' },
      { id: 'coder', object: 'model', created: expect.any(Number), owned_by: 'agentport' },
    ]);
    const created = models[0]!.created;
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(3600);

    const raw = await fetch(`${gateway!.url}/v1/models`, { headers: { authorization: 'Bearer k' } });
    expect(await raw.json()).toMatchObject({ object: 'list', data: expect.any(Array) });
  });

  it('lists an agent once when the upstream has a model of the same name', async () => {
    const catalog = new SwitchableCatalog([{ id: 'shared-name' }, { id: 'base' }]);
    const api = client(await start({ catalog, agents: [agent('shared-name')] }));
    const { data } = await api.models.list();
    expect(data.map((model) => [model.id, model.owned_by])).toEqual([['base', 'vllm'], ['shared-name', 'agentport']]);
  });

  it('retrieves one model, with or without slashes in its name, and answers 404 for others', async () => {
    const catalog = new SwitchableCatalog([{ id: 'Qwen/Qwen3-8B' }]);
    const url = await start({ catalog, agents: [agent('support-bot')] });
    const api = client(url);

    expect(await api.models.retrieve('Qwen/Qwen3-8B')).toEqual({ id: 'Qwen/Qwen3-8B', object: 'model', created: expect.any(Number), owned_by: 'vllm' });
    expect(await api.models.retrieve('support-bot')).toMatchObject({ id: 'support-bot', owned_by: 'agentport' });
    const unencoded = await fetch(`${url}/v1/models/Qwen/Qwen3-8B`, { headers: { authorization: 'Bearer k' } });
    expect(unencoded.status).toBe(200);
    expect(await unencoded.json()).toMatchObject({ id: 'Qwen/Qwen3-8B' });

    await expect(api.models.retrieve('gpt-unknown')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const missing = await fetch(`${url}/v1/models/gpt-unknown`, { headers: { authorization: 'Bearer k' } });
    expect(await missing.json()).toEqual({ error: { message: expect.stringContaining('gpt-unknown'), type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
  });

  it('still answers when the catalog fails: the models it listed before, and the agents', async () => {
    const catalog = new SwitchableCatalog([{ id: 'Qwen/Qwen3-8B' }]);
    const api = client(await start({ catalog, agents: [agent('support-bot')] }));
    expect((await api.models.list()).data.map((model) => model.id)).toEqual(['Qwen/Qwen3-8B', 'support-bot']);

    catalog.failure = new Error('connect ECONNREFUSED 127.0.0.1:8000');
    expect((await api.models.list()).data.map((model) => model.id)).toEqual(['Qwen/Qwen3-8B', 'support-bot']);
    expect(await api.models.retrieve('Qwen/Qwen3-8B')).toMatchObject({ id: 'Qwen/Qwen3-8B' });
    expect(catalog.listCalls).toBe(3);
  });

  it('lists the agents alone when the catalog fails from the start', async () => {
    const catalog = new SwitchableCatalog([{ id: 'never-seen' }]);
    catalog.failure = new Error('upstream down');
    const api = client(await start({ catalog, agents: [agent('support-bot')] }));
    const { data } = await api.models.list();
    expect(data.map((model) => model.id)).toEqual(['support-bot']);
  });

  it('lists nothing without a catalog or agents', async () => {
    const api = client(await start());
    expect((await api.models.list()).data).toEqual([]);
  });

  it('needs a key when keys are configured', async () => {
    const url = await start({ config: { apiKeys: ['key-a:tenant-a'] }, agents: [agent('support-bot')] });
    const bare = await fetch(`${url}/v1/models`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    expect((await client(url, 'key-a').models.list()).data.map((model) => model.id)).toEqual(['support-bot']);
  });
});
