import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingPortError, PluginError } from '../src/errors.js';
import { createApp, type AnyPlugin } from '../src/kernel/create-app.js';
import { definePlugin } from '../src/kernel/define-plugin.js';
import { createRecordingLogger } from '../src/testing/recording-logger.js';
import { MissingPortsError } from '../src/kernel/missing-ports-error.js';
import type { Plugin } from '../src/kernel/plugin.js';
import { definePort } from '../src/kernel/port-token.js';
import { TOKENS } from '../src/kernel/tokens.js';

const Greeting = definePort<string>('test.Greeting', { providedBy: '@agentport/test-greetings: greetings()', multiple: true });
const Clock = definePort<{ now(): number }>('test.Clock', { providedBy: '@agentport/test-clock: clock()' });

/** A plugin that writes what happens to it into `events`. */
function tracedPlugin(name: string, events: string[], behaviour: { failStart?: boolean; failStop?: boolean } = {}): Plugin {
  return {
    name,
    register() {
      events.push(`register ${name}`);
    },
    async start() {
      events.push(`start ${name}`);
      if (behaviour.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      events.push(`stop ${name}`);
      if (behaviour.failStop) throw new Error(`${name} cannot stop`);
    },
  };
}

async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('plugin lifecycle', () => {
  it('registers and starts plugins in order and stops them in reverse', async () => {
    const events: string[] = [];
    const app = await createApp({
      plugins: [tracedPlugin('a', events), tracedPlugin('b', events), tracedPlugin('c', events)],
      logger: createRecordingLogger(),
      config: { env: {} },
    });
    expect(events).toEqual(['register a', 'register b', 'register c']);
    await app.start();
    await app.stop();
    expect(events).toEqual(['register a', 'register b', 'register c', 'start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
    expect(app.plugins.map((plugin) => plugin.name)).toEqual(['a', 'b', 'c']);
  });

  it('stops each plugin once however often stop is called, and start is idempotent', async () => {
    const events: string[] = [];
    const app = await createApp({ plugins: [tracedPlugin('a', events)], logger: createRecordingLogger(), config: { env: {} } });
    await Promise.all([app.start(), app.start()]);
    await Promise.all([app.stop(), app.stop()]);
    await app.stop();
    expect(events).toEqual(['register a', 'start a', 'stop a']);
    expect(await thrownBy(app.start())).toMatchObject({ code: 'app_stopped' });
  });

  it('rolls back the started plugins in reverse when one fails to start', async () => {
    const events: string[] = [];
    const logger = createRecordingLogger();
    const app = await createApp({
      plugins: [tracedPlugin('a', events), tracedPlugin('b', events), tracedPlugin('c', events, { failStart: true }), tracedPlugin('d', events)],
      logger,
      config: { env: {} },
    });
    const error = await thrownBy(app.start());
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ plugin: 'c', code: 'plugin_error', message: 'plugin "c": failed to start: c cannot start' });
    expect((error as PluginError).cause).toEqual(new Error('c cannot start'));
    expect(events.slice(4)).toEqual(['start a', 'start b', 'start c', 'stop b', 'stop a']);
    // The plugins that never started are stopped by app.stop(), the others are not stopped twice.
    await app.stop();
    expect(events.slice(9)).toEqual(['stop d', 'stop c']);
  });

  it('logs a plugin that fails to stop and still stops the others', async () => {
    const events: string[] = [];
    const logger = createRecordingLogger();
    const app = await createApp({
      plugins: [tracedPlugin('a', events), tracedPlugin('b', events, { failStop: true }), tracedPlugin('c', events)],
      logger,
      config: { env: {} },
    });
    await app.start();
    await app.stop();
    expect(events.slice(-3)).toEqual(['stop c', 'stop b', 'stop a']);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'plugin failed to stop', plugin: 'b', error: 'b cannot stop' }));
  });

  it('rejects two plugins with the same name', async () => {
    const events: string[] = [];
    const error = await thrownBy(
      createApp({ plugins: [tracedPlugin('a', events), tracedPlugin('a', events)], logger: createRecordingLogger(), config: { env: {} } }),
    );
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ plugin: 'a', message: 'plugin "a": is listed twice; plugin names must be unique (each names a config section and env prefix)' });
    expect(events).toEqual([]);
  });

  it('wraps an error thrown by register in a PluginError naming the plugin', async () => {
    const failing: Plugin = {
      name: 'failing',
      register() {
        throw new Error('no credentials');
      },
    };
    const error = await thrownBy(createApp({ plugins: [failing], logger: createRecordingLogger(), config: { env: {} } }));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe('plugin "failing": failed to register: no credentials');
  });
});

describe('ports', () => {
  it('returns every binding of a multiple port in plugin order', async () => {
    const first: Plugin = { name: 'first', register: (ctx) => ctx.bind(Greeting, 'hello') };
    const second: Plugin = { name: 'second', register: (ctx) => ctx.bind(Greeting, 'bonjour') };
    const third: Plugin = { name: 'third', register: (ctx) => ctx.bind(Greeting, 'hallo') };
    const app = await createApp({ plugins: [first, second, third], logger: createRecordingLogger(), config: { env: {} } });
    expect(app.getAll(Greeting)).toEqual(['hello', 'bonjour', 'hallo']);
    expect(() => app.get(Greeting)).toThrow(new TypeError('test.Greeting is a multiple port: use getAll(), not get()'));
  });

  it('gives an empty list for a multiple port nobody bound, and undefined from tryGet', async () => {
    const app = await createApp({ plugins: [], logger: createRecordingLogger(), config: { env: {} } });
    expect(app.getAll(Greeting)).toEqual([]);
    expect(app.tryGet(Clock)).toBeUndefined();
    expect(() => app.get(Clock)).toThrow(new MissingPortError('test.Clock', '@agentport/test-clock: clock()'));
  });

  it('rejects a second binding of a single port, naming both plugins', async () => {
    const one: Plugin = { name: 'one', register: (ctx) => ctx.bind(Clock, { now: () => 1 }) };
    const two: Plugin = { name: 'two', register: (ctx) => ctx.bind(Clock, { now: () => 2 }) };
    const error = await thrownBy(createApp({ plugins: [one, two], logger: createRecordingLogger(), config: { env: {} } }));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe('plugin "two": test.Clock is already bound by "one"; it takes a single implementation');
  });

  it('binds the app logger to TOKENS.Logger and gives each plugin a logger that names it', async () => {
    const logger = createRecordingLogger();
    const chatty: Plugin = {
      name: 'chatty',
      register(ctx) {
        ctx.logger.info({ ports: 0 }, 'registered');
      },
    };
    const app = await createApp({ plugins: [chatty], logger, config: { env: {} } });
    expect(app.get(TOKENS.Logger)).toBe(logger);
    expect(app.logger).toBe(logger);
    expect(logger.lines).toMatchObject([{ level: 'info', msg: 'registered', plugin: 'chatty', ports: 0 }]);
  });
});

describe('start checks', () => {
  it('fails on a required port nobody bound, saying which package provides it', async () => {
    const agent: Plugin = { name: 'agent', requires: [TOKENS.AgentModel, Clock], register: (ctx) => ctx.bind(Clock, { now: () => 0 }) };
    const error = await thrownBy(createApp({ plugins: [agent], logger: createRecordingLogger(), config: { env: {} } }));
    expect(error).toBeInstanceOf(MissingPortError);
    expect(error).toMatchObject({ code: 'missing_port', port: 'AgentModel' });
    expect((error as Error).message).toBe('no AgentModel is configured: add a plugin that provides it (@agentport/vllm-adapter: vllm())');
  });

  it('lists every missing port, one line each, once however many plugins require it', async () => {
    const gateway: Plugin = { name: 'gateway', requires: [TOKENS.AgentModel, TOKENS.StateStore], register: () => undefined };
    const agent: Plugin = { name: 'agent', requires: [TOKENS.AgentModel], register: () => undefined };
    const error = await thrownBy(createApp({ plugins: [gateway, agent], logger: createRecordingLogger(), config: { env: {} } }));
    expect(error).toBeInstanceOf(MissingPortsError);
    expect(error).toBeInstanceOf(MissingPortError);
    expect((error as Error).message.split('\n')).toEqual([
      'no AgentModel is configured: add a plugin that provides it (@agentport/vllm-adapter: vllm())',
      'no StateStore is configured: add a plugin that provides it (@agentport/store-sqlite: sqliteStore(), @agentport/store-postgres: postgresStore(), or memoryStore() from @agentport/core)',
    ]);
  });

  it('passes when a multiple port a plugin requires has at least one binding', async () => {
    const provider: Plugin = { name: 'provider', register: (ctx) => ctx.bind(Greeting, 'hi') };
    const consumer: Plugin = { name: 'consumer', requires: [Greeting], register: () => undefined };
    const app = await createApp({ plugins: [consumer, provider], logger: createRecordingLogger(), config: { env: {} } });
    expect(app.getAll(Greeting)).toEqual(['hi']);
  });
});

describe('plugin config', () => {
  it('hands each plugin its validated section and exposes all of them on the app', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentport-kernel-'));
    try {
      const file = join(dir, 'agentport.json');
      await writeFile(file, JSON.stringify({ vllm: { model: 'from-file' }, unused: { a: 1 } }));
      const seen: string[] = [];
      const vllm = definePlugin<{ model: string; maxConnections: number }>({
        name: 'vllm',
        configSchema: {
          type: 'object',
          properties: { model: { type: 'string' }, maxConnections: { type: 'integer', minimum: 1, default: 8 } },
        },
        register(ctx) {
          seen.push(`${ctx.config.model}/${ctx.config.maxConnections}`);
        },
        async start(ctx) {
          seen.push(`start ${ctx.config.model}`);
        },
      });
      const plugins: AnyPlugin[] = [vllm, tracedPlugin('other', [])];
      const logger = createRecordingLogger();
      const app = await createApp({ plugins, logger, config: { file, env: { AGENTPORT_VLLM__MAX_CONNECTIONS: '3' } } });
      await app.start();
      await app.stop();
      expect(seen).toEqual(['from-file/3', 'start from-file']);
      expect(app.config).toEqual({ vllm: { model: 'from-file', maxConnections: 3 }, other: {} });
      expect(logger.lines).toContainEqual(expect.objectContaining({
        level: 'warn',
        msg: `config file ${file}: section "unused" matches no plugin of this app; it is ignored`,
      }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
