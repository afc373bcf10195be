import {
  type Agent, MemoryStateStore, type ModelCatalog, type ModelCatalogEntry, type ModelReadiness, ToolLoopAgent, silentLogger,
} from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway, type GatewayParts } from '../src/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

class FixedCatalog implements ModelCatalog {
  constructor(private readonly entries: ModelCatalogEntry[]) {}

  async listModels(): Promise<ModelCatalogEntry[]> {
    return this.entries;
  }

  async ready(): Promise<ModelReadiness> {
    return { ready: true, model: this.entries[0]?.id ?? '' };
  }
}

function agent(name: string): Agent {
  return new ToolLoopAgent({ name, model: new ScriptedModel([], { id: `scripted:${name}` }) });
}

async function start(parts: Partial<GatewayParts> = {}): Promise<string> {
  gateway = await Gateway.create({
    store: new MemoryStateStore(),
    ...parts,
    config: { port: 0, ...parts.config },
    logger: silentLogger,
  });
  await gateway.listen();
  return gateway.url;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: 'Bearer k' } });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('GET /v1/models for Codex (?client_version=…)', () => {
  it('answers { models: [ModelInfo…] } with the fields Codex needs, the context window from the upstream\'s max_model_len', async () => {
    const url = await start({ catalog: new FixedCatalog([{ id: 'Qwen/Qwen3-8B', contextWindow: 40_960 }]) });

    const { status, body } = await getJson(`${url}/v1/models?client_version=0.169.0`);

    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['models']);
    expect(body.models).toEqual([{
      slug: 'Qwen/Qwen3-8B',
      display_name: 'Qwen/Qwen3-8B',
      description: null,
      supported_in_api: true,
      priority: 1,
      visibility: 'list',
      shell_type: 'shell_command',
      base_instructions: expect.any(String),
      supported_reasoning_levels: [
        { effort: 'low', description: expect.any(String) },
        { effort: 'medium', description: expect.any(String) },
        { effort: 'high', description: expect.any(String) },
      ],
      supports_reasoning_summaries: false,
      default_reasoning_summary: 'auto',
      support_verbosity: false,
      default_verbosity: null,
      apply_patch_tool_type: 'freeform',
      truncation_policy: { mode: 'bytes', limit: 10_000 },
      supports_parallel_tool_calls: true,
      input_modalities: ['text'],
      context_window: 40_960,
      effective_context_window_percent: 95,
      experimental_supported_tools: [],
      upgrade: null,
    }]);
  });

  it('applies the codexModels overrides of the config per model, and keeps the slug the served id', async () => {
    const url = await start({
      catalog: new FixedCatalog([{ id: 'Qwen/Qwen3-VL-8B', contextWindow: 32_768 }, { id: 'small', contextWindow: 8_192 }]),
      config: {
        codexModels: {
          'Qwen/Qwen3-VL-8B': {
            supported_reasoning_levels: [{ effort: 'high', description: 'think hard' }],
            input_modalities: ['text', 'image'],
            apply_patch_tool_type: 'function',
            context_window: 30_000,
            slug: 'renamed',
            default_reasoning_level: 'high',
          },
        },
      },
    });

    const { body } = await getJson(`${url}/v1/models?client_version=1.0.0`);
    const [vision, small] = body.models as Array<Record<string, unknown>>;

    expect(vision).toMatchObject({
      slug: 'Qwen/Qwen3-VL-8B',
      supported_reasoning_levels: [{ effort: 'high', description: 'think hard' }],
      input_modalities: ['text', 'image'],
      apply_patch_tool_type: 'function',
      context_window: 30_000,
      default_reasoning_level: 'high',
      shell_type: 'shell_command',
    });
    expect(small).toMatchObject({ slug: 'small', input_modalities: ['text'], apply_patch_tool_type: 'freeform', context_window: 8_192 });
    expect(small).not.toHaveProperty('default_reasoning_level');
  });

  it('lists registered agents too, without a context window it does not know', async () => {
    const url = await start({ catalog: new FixedCatalog([{ id: 'base', contextWindow: 4_096 }]), agents: [agent('coder')] });

    const { body } = await getJson(`${url}/v1/models?client_version=0.169.0`);
    const models = body.models as Array<Record<string, unknown>>;

    expect(models.map((model) => model.slug)).toEqual(['base', 'coder']);
    expect(models[1]).not.toHaveProperty('context_window');
    expect(models[1]).toMatchObject({ apply_patch_tool_type: 'freeform', supported_in_api: true });
  });

  it('answers the OpenAI list without client_version, unchanged by the Codex overrides', async () => {
    const url = await start({
      catalog: new FixedCatalog([{ id: 'Qwen/Qwen3-8B', contextWindow: 40_960 }]),
      config: { codexModels: { 'Qwen/Qwen3-8B': { input_modalities: ['text', 'image'] } } },
    });

    const { body } = await getJson(`${url}/v1/models`);

    expect(body).toEqual({ object: 'list', data: [{ id: 'Qwen/Qwen3-8B', object: 'model', created: expect.any(Number), owned_by: 'vllm' }] });
  });
});
