import { describe, expect, it } from 'vitest';
import { VllmAgentModel } from '../src/index.js';
import { FakeVllmServer } from '../src/testing/index.js';
import { useHarness } from './harness.js';

describe('discovery and readiness', () => {
  const start = useHarness();

  it('lists the served models with their context length', async () => {
    const { model } = await start({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 40_960 }, { id: 'no-length' }] });
    expect(await model.listModels()).toEqual([
      { id: 'Qwen/Qwen3-8B', maxModelLen: 40_960, ownedBy: 'vllm', created: 1_700_000_000, root: 'Qwen/Qwen3-8B' },
      { id: 'no-length', ownedBy: 'vllm', created: 1_700_000_000, root: 'no-length' },
    ]);
  });

  it('is ready when the server lists the configured model', async () => {
    const { model } = await start({ models: [{ id: 'a', maxModelLen: 8_192 }, { id: 'b' }] }, { model: 'b' });
    expect(await model.ready()).toMatchObject({ ready: true, model: 'b', models: [{ id: 'a' }, { id: 'b' }] });
  });

  it('is ready with the first listed model when none is configured, and takes its name', async () => {
    const { model } = await start({ models: [{ id: 'first' }, { id: 'second' }] });
    expect(await model.ready()).toMatchObject({ ready: true, model: 'first' });
    expect(model.id).toBe('vllm:first');
  });

  it('is not ready when the configured model is not served, and says what is', async () => {
    const { model } = await start({ models: [{ id: 'a' }, { id: 'b' }] }, { model: 'c' });
    const readiness = await model.ready();
    expect(readiness.ready).toBe(false);
    if (!readiness.ready) expect(readiness.reason).toBe(`vLLM at ${model.client.baseUrl} does not serve "c"; it serves: a, b`);
  });

  it('is not ready (and does not throw) when the server is down', async () => {
    const server = await new FakeVllmServer().start();
    const baseUrl = server.url;
    await server.close();
    const model = new VllmAgentModel({ baseUrl });
    try {
      const readiness = await model.ready();
      expect(readiness).toMatchObject({ ready: false, error: { code: 'transport' } });
    } finally {
      model.close();
    }
  });

  it('is not ready when the API key is refused', async () => {
    const { model } = await start({ apiKey: 'secret' }, { apiKey: 'wrong' });
    expect(await model.ready()).toMatchObject({ ready: false, error: { status: 401 } });
  });
});
