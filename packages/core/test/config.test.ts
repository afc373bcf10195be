import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigOptions } from '../src/config/load-config.js';
import { ConfigError, PluginError } from '../src/errors.js';
import { createApp } from '../src/kernel/create-app.js';
import { definePlugin } from '../src/kernel/define-plugin.js';
import { silentLogger } from '../src/kernel/logger.js';
import type { JsonSchema } from '../src/schema/json-schema.js';

const vllmSchema: JsonSchema = {
  type: 'object',
  properties: {
    baseUrl: { type: 'string', default: 'http://127.0.0.1:8000/v1' },
    model: { type: 'string', default: 'qwen' },
    maxConnections: { type: 'integer', minimum: 1, default: 8 },
    timeoutMs: { type: 'number', minimum: 0, default: 30_000 },
    stream: { type: 'boolean', default: true },
    max_model_len: { type: 'integer' },
    stop: { type: 'array', items: { type: 'string' }, default: [] },
    ports: { type: 'array', items: { type: 'integer' } },
    chatTemplateKwargs: { type: 'object', additionalProperties: true, default: {} },
    retry: {
      type: 'object',
      properties: { attempts: { type: 'integer', minimum: 0, default: 2 }, backoffMs: { type: 'integer', default: 100 } },
      default: {},
    },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    mode: { enum: ['chat', 'completion'], default: 'chat' },
  },
};

const vllm = { name: 'vllm', configSchema: vllmSchema };
const gatewaySchema: JsonSchema = {
  type: 'object',
  properties: { port: { type: 'integer', minimum: 0, maximum: 65_535, default: 8080 }, host: { type: 'string', default: '127.0.0.1' } },
};
const gateway = { name: 'gateway', configSchema: gatewaySchema };

async function vllmConfig(options: ConfigOptions): Promise<Record<string, unknown>> {
  const loaded = await loadConfig([vllm], options);
  const section = loaded.sections.get('vllm');
  if (!section) throw new Error('no vllm section');
  return section;
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe('config sources and precedence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentport-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function configFile(content: unknown): Promise<string> {
    const file = join(dir, 'agentport.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('takes schema defaults, then the file, then env vars, then overrides', async () => {
    const file = await configFile({
      vllm: { baseUrl: 'http://127.0.0.1:9000/v1', model: 'from-file', maxConnections: 2, retry: { attempts: 5 } },
    });
    const config = await vllmConfig({
      file,
      env: { AGENTPORT_VLLM__MODEL: 'from-env', AGENTPORT_VLLM__MAX_CONNECTIONS: '3' },
      overrides: { vllm: { maxConnections: 4 } },
    });
    expect(config).toEqual({
      baseUrl: 'http://127.0.0.1:9000/v1',
      model: 'from-env',
      maxConnections: 4,
      timeoutMs: 30_000,
      stream: true,
      stop: [],
      chatTemplateKwargs: {},
      retry: { attempts: 5, backoffMs: 100 },
      mode: 'chat',
    });
  });

  it('merges nested objects key by key across sources', async () => {
    const file = await configFile({ vllm: { chatTemplateKwargs: { enable_thinking: true, budget: 10 } } });
    const config = await vllmConfig({
      file,
      env: { AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__ENABLE_THINKING: 'false' },
      overrides: { vllm: { chatTemplateKwargs: { extra: 'x' } } },
    });
    expect(config.chatTemplateKwargs).toEqual({ enable_thinking: false, budget: 10, extra: 'x' });
  });

  it('reads the file named by AGENTPORT_CONFIG when no file is given', async () => {
    const file = await configFile({ vllm: { model: 'named-by-env' } });
    const config = await vllmConfig({ env: { AGENTPORT_CONFIG: file } });
    expect(config.model).toBe('named-by-env');
  });

  it('does not write schema defaults into the overrides object it was given', async () => {
    const overrides = { vllm: { retry: { attempts: 1 } } };
    await vllmConfig({ env: {}, overrides });
    expect(overrides).toEqual({ vllm: { retry: { attempts: 1 } } });
  });

  it('rejects a file that is not valid JSON, naming the file', async () => {
    const file = await configFile('{ "vllm": { "model": ');
    const problems = await problemsOf(vllmConfig({ file, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^config file ${escape(file)}: not valid JSON: `));
  });

  it('rejects a named file that does not exist, naming the file', async () => {
    const file = join(dir, 'missing.json');
    expect(await problemsOf(vllmConfig({ file, env: {} }))).toEqual([`config file ${file}: not found`]);
    expect(await problemsOf(vllmConfig({ env: { AGENTPORT_CONFIG: file } }))).toEqual([`config file ${file}: not found`]);
  });

  it('rejects a file section that is not an object', async () => {
    const file = await configFile({ vllm: 5 });
    expect(await problemsOf(vllmConfig({ file, env: {} }))).toEqual([`config file ${file}: section "vllm" must be an object (got 5)`]);
  });

  it('rejects keys in the file for a plugin that declares no config', async () => {
    const file = await configFile({ 'memory-store': { size: 3 } });
    const problems = await problemsOf(loadConfig([{ name: 'memory-store' }], { file, env: {} }));
    expect(problems).toEqual([
      `AGENTPORT_MEMORY_STORE__SIZE: unknown key "size" (set in the config file ${file} at memory-store.size); it takes no keys here`,
    ]);
  });

  it('names the env var and the file location when a value from the file is bad', async () => {
    const file = await configFile({ vllm: { maxConnections: 0, maxConections: 3 } });
    expect(await problemsOf(vllmConfig({ file, env: {} }))).toEqual([
      `AGENTPORT_VLLM__MAX_CONECTIONS: unknown key "maxConections" (set in the config file ${file} at vllm.maxConections); known keys: baseUrl, model, maxConnections, timeoutMs, stream, max_model_len, stop, ports, chatTemplateKwargs, retry, headers, mode`,
      `AGENTPORT_VLLM__MAX_CONNECTIONS: must be >= 1 (got 0, set in the config file ${file} at vllm.maxConnections)`,
    ]);
  });
});

describe('env vars', () => {
  it('coerces numbers, booleans, nested keys and free-form map keys by the schema', async () => {
    const config = await vllmConfig({
      env: {
        AGENTPORT_VLLM__MAX_CONNECTIONS: '16',
        AGENTPORT_VLLM__TIMEOUT_MS: '2.5e3',
        AGENTPORT_VLLM__STREAM: 'no',
        AGENTPORT_VLLM__MAX_MODEL_LEN: '32768',
        AGENTPORT_VLLM__RETRY__BACKOFF_MS: '250',
        AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__ENABLE_THINKING: 'false',
        AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__THINKING_BUDGET: '512',
        AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__STYLE: 'terse',
        AGENTPORT_VLLM__HEADERS__X_API_KEY: '123',
      },
    });
    expect(config).toMatchObject({
      maxConnections: 16,
      timeoutMs: 2500,
      stream: false,
      max_model_len: 32_768,
      retry: { attempts: 2, backoffMs: 250 },
      chatTemplateKwargs: { enable_thinking: false, thinking_budget: 512, style: 'terse' },
      // The map's own schema says string: the text is kept as written.
      headers: { x_api_key: '123' },
    });
  });

  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true],
    ['false', false], ['0', false], ['No', false],
  ])('reads the boolean %s as %s', async (text, expected) => {
    const config = await vllmConfig({ env: { AGENTPORT_VLLM__STREAM: text } });
    expect(config.stream).toBe(expected);
  });

  it('reads arrays as JSON or as a comma-separated list, items typed by the schema', async () => {
    const config = await vllmConfig({
      env: { AGENTPORT_VLLM__STOP: '["</s>", "a,b"]', AGENTPORT_VLLM__PORTS: '80, 443,8080' },
    });
    expect(config.stop).toEqual(['</s>', 'a,b']);
    expect(config.ports).toEqual([80, 443, 8080]);
  });

  it('reads a whole object from JSON text and lets deeper vars add to it', async () => {
    const config = await vllmConfig({
      env: {
        AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS__B: '2',
        AGENTPORT_VLLM__CHAT_TEMPLATE_KWARGS: '{"a": 1, "b": 1}',
      },
    });
    expect(config.chatTemplateKwargs).toEqual({ a: 1, b: 2 });
  });

  it('matches keys ignoring case and underscores', async () => {
    const config = await vllmConfig({ env: { AGENTPORT_VLLM__MAXCONNECTIONS: '5', AGENTPORT_VLLM__MaxModel_Len: '7' } });
    expect(config).toMatchObject({ maxConnections: 5, max_model_len: 7 });
  });

  it('derives the plugin part of the name from the plugin name', async () => {
    const plugin = { name: 'store-sqlite', configSchema: { type: 'object', properties: { path: { type: 'string' } } } };
    const loaded = await loadConfig([plugin], { env: { AGENTPORT_STORE_SQLITE__PATH: '/tmp/a.db' } });
    expect(loaded.sections.get('store-sqlite')).toEqual({ path: '/tmp/a.db' });
  });

  it('rejects an unknown key of a known plugin and ignores vars of plugins not in the app', async () => {
    const problems = await problemsOf(
      loadConfig([vllm, gateway], {
        env: {
          AGENTPORT_VLLM__MAX_CONECTIONS: '3',
          AGENTPORT_VLLM__RETRY__ATEMPTS: '3',
          AGENTPORT_GATEWAY__PORT__NUMBER: '1',
          AGENTPORT_SHELL__TIMEOUT_MS: '10',
          AGENTPORT_LOG_LEVEL: 'debug',
        },
      }),
    );
    expect(problems).toEqual([
      'AGENTPORT_VLLM__MAX_CONECTIONS: unknown key "MAX_CONECTIONS" of plugin "vllm"; known keys: BASE_URL, MODEL, MAX_CONNECTIONS, TIMEOUT_MS, STREAM, MAX_MODEL_LEN, STOP, PORTS, CHAT_TEMPLATE_KWARGS, RETRY, HEADERS, MODE',
      'AGENTPORT_GATEWAY__PORT__NUMBER: PORT is not an object, so it has no key "NUMBER"',
      'AGENTPORT_VLLM__RETRY__ATEMPTS: unknown key "ATEMPTS" under RETRY of plugin "vllm"; known keys: ATTEMPTS, BACKOFF_MS',
    ]);
  });

  it('rejects any env var of a plugin that declares no config', async () => {
    const problems = await problemsOf(loadConfig([{ name: 'memory-store' }], { env: { AGENTPORT_MEMORY_STORE__SIZE: '3' } }));
    expect(problems).toEqual(['AGENTPORT_MEMORY_STORE__SIZE: unknown key "SIZE" of plugin "memory-store"; it takes no keys here']);
  });
});

describe('validation', () => {
  it('reports every bad value of every plugin at once, each by its env var', async () => {
    const problems = await problemsOf(
      loadConfig([vllm, gateway], {
        env: {
          AGENTPORT_VLLM__MAX_CONNECTIONS: '0',
          AGENTPORT_VLLM__TIMEOUT_MS: 'soon',
          AGENTPORT_VLLM__STREAM: 'maybe',
          AGENTPORT_VLLM__MODE: 'batch',
          AGENTPORT_VLLM__PORTS: '80,http',
          AGENTPORT_GATEWAY__PORT: '70000',
        },
        overrides: { gateway: { host: 42 } },
      }),
    );
    expect(problems).toEqual([
      'AGENTPORT_VLLM__PORTS: item 1 must be a number (got "80,http")',
      'AGENTPORT_VLLM__STREAM: must be true, false, 1, 0, yes or no (got "maybe")',
      'AGENTPORT_VLLM__TIMEOUT_MS: must be a number (got "soon")',
      'AGENTPORT_VLLM__MAX_CONNECTIONS: must be >= 1 (got "0")',
      'AGENTPORT_VLLM__MODE: must be equal to one of the allowed values: "chat", "completion" (got "batch")',
      'AGENTPORT_GATEWAY__PORT: must be <= 65535 (got "70000")',
      'AGENTPORT_GATEWAY__HOST: must be string (got 42, set in the overrides at gateway.host)',
    ]);
  });

  it('names a required key by the env var that would set it', async () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { apiKey: { type: 'string' }, models: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } },
      required: ['apiKey'],
    };
    const problems = await problemsOf(
      loadConfig([{ name: 'auth', configSchema: schema }], { env: { AGENTPORT_AUTH__MODELS: '[{"id":"a"},{"name":"b"}]' } }),
    );
    expect(problems).toEqual([
      'AGENTPORT_AUTH__API_KEY: is required',
      'AGENTPORT_AUTH__MODELS: at 1.id: is required',
    ]);
  });

  it('turns a schema that does not compile into a PluginError of that plugin', async () => {
    const broken = { name: 'broken', configSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } };
    const error = await loadConfig([broken], { env: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).plugin).toBe('broken');
  });

  it('fails createApp before any plugin registers, with the ConfigError', async () => {
    const registered: string[] = [];
    const plugin = definePlugin<{ maxConnections: number }>({
      name: 'vllm',
      configSchema: vllmSchema,
      register(ctx) {
        registered.push(`vllm ${ctx.config.maxConnections}`);
      },
    });
    const problems = await problemsOf(
      createApp({ plugins: [plugin], logger: silentLogger, config: { env: { AGENTPORT_VLLM__MAX_CONNECTIONS: '-1' } } }),
    );
    expect(problems).toEqual(['AGENTPORT_VLLM__MAX_CONNECTIONS: must be >= 1 (got "-1")']);
    expect(registered).toEqual([]);
  });

  it('rejects overrides for a plugin the app does not have', async () => {
    const problems = await problemsOf(loadConfig([vllm], { env: {}, overrides: { vlm: { model: 'x' } } }));
    expect(problems).toEqual(['overrides: no plugin named "vlm" in this app (plugins: vllm)']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
