import { ConfigError, createApp, silentLogger, TOKENS } from '@agentport/core';
import { afterEach, describe, expect, it } from 'vitest';
import { VLLM_CONFIG_DEFAULTS, VllmAgentModel, vllm } from '../src/index.js';
import { FakeVllmServer } from '../src/testing/index.js';
import { collectEvents, USER_HELLO } from './harness.js';

describe('the vllm() plugin', () => {
  const servers: FakeVllmServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function fakeServer(): Promise<FakeVllmServer> {
    const server = await new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 40_960 }] }).start();
    servers.push(server);
    return server;
  }

  it('binds a VllmAgentModel configured from AGENTPORT_VLLM__* env vars, defaults filled in', async () => {
    const server = await fakeServer();
    server.enqueue({ parts: [{ type: 'text', text: 'from the plugin' }] });
    const app = await createApp({
      plugins: [vllm()],
      logger: silentLogger,
      config: {
        env: {
          AGENTPORT_VLLM__BASE_URL: server.url,
          AGENTPORT_VLLM__MAX_CONNECTIONS: '4',
          AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__ENABLE_THINKING: 'false',
          AGENTPORT_VLLM__STRICT_AUTO_TOOL_CHOICE: 'enforced',
        },
      },
    });
    await app.start();
    try {
      const model = app.get(TOKENS.AgentModel);
      expect(model).toBeInstanceOf(VllmAgentModel);
      expect((model as VllmAgentModel).config).toEqual({
        ...VLLM_CONFIG_DEFAULTS,
        baseUrl: server.url,
        maxConnections: 4,
        chatTemplateKwargs: { enable_thinking: false },
        strictAutoToolChoice: 'enforced',
      });
      expect(model.capabilities().toolChoice.auto).toBe('constrained');
      const events = await collectEvents(model.stream(USER_HELLO));
      expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
      expect(server.lastChatBody).toMatchObject({ model: 'Qwen/Qwen3-8B', chat_template_kwargs: { enable_thinking: false } });
      const catalog = app.get(TOKENS.ModelCatalog);
      expect(await catalog.listModels()).toEqual([{ id: 'Qwen/Qwen3-8B', contextWindow: 40_960, ownedBy: 'vllm' }]);
      expect(await catalog.ready()).toEqual({ ready: true, model: 'Qwen/Qwen3-8B' });
    } finally {
      await app.stop();
    }
  });

  it('reports bad values by their env var names', async () => {
    const failure = await createApp({
      plugins: [vllm()],
      logger: silentLogger,
      config: { env: { AGENTPORT_VLLM__STRICT_AUTO_TOOL_CHOICE: 'sometimes', AGENTPORT_VLLM__MAX_CONNECTIONS: '0' } },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    const problems = (failure as ConfigError).problems.join('\n');
    expect(problems).toContain('AGENTPORT_VLLM__STRICT_AUTO_TOOL_CHOICE');
    expect(problems).toContain('AGENTPORT_VLLM__MAX_CONNECTIONS');
  });
});
