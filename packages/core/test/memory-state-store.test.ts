import { describe, expect, it } from 'vitest';
import type { PluginContext, PortResolver } from '../src/kernel/plugin.js';
import type { PortToken } from '../src/kernel/port-token.js';
import { silentLogger } from '../src/kernel/logger.js';
import { MetricRegistry } from '../src/metrics/metric-registry.js';
import { TOKENS } from '../src/kernel/tokens.js';
import { newId } from '../src/items/ids.js';
import { MemoryStateStore } from '../src/store/memory-state-store.js';
import { memoryStore } from '../src/store/memory-store-plugin.js';
import type { StateStore } from '../src/store/state-store.js';
import { runStateStoreConformance } from '../src/testing/state-store-conformance/index.js';

runStateStoreConformance('MemoryStateStore', () => new MemoryStateStore());

/** A context that records bindings, standing in for the kernel's container. */
function recordingContext(): { ctx: PluginContext<Record<string, unknown>>; bound: Map<symbol, unknown[]> } {
  const bound = new Map<symbol, unknown[]>();
  const resolve: PortResolver = {
    get<T>(port: PortToken<T>): T {
      const [value] = bound.get(port.id) ?? [];
      if (value === undefined) throw new Error(`nothing bound to ${port.name}`);
      return value as T;
    },
    tryGet: <T>(port: PortToken<T>) => bound.get(port.id)?.[0] as T | undefined,
    getAll: <T>(port: PortToken<T>) => (bound.get(port.id) ?? []) as T[],
  };
  const ctx: PluginContext<Record<string, unknown>> = {
    config: {},
    logger: silentLogger,
    metrics: new MetricRegistry(),
    bind: (port, value) => bound.set(port.id, [...(bound.get(port.id) ?? []), value]),
    resolve,
  };
  return { ctx, bound };
}

describe('memoryStore()', () => {
  it('binds one working MemoryStateStore to the StateStore port', async () => {
    const plugin = memoryStore();
    expect(plugin.name).toBe('memory-store');
    const { ctx, bound } = recordingContext();
    await plugin.register(ctx);

    expect(bound.get(TOKENS.StateStore.id)).toHaveLength(1);
    const store: StateStore = ctx.resolve.get(TOKENS.StateStore);
    expect(store).toBeInstanceOf(MemoryStateStore);

    const conversation = await store.createConversation({ id: newId('conversation'), tenant: 't', metadata: {}, createdAt: 1 });
    expect(await store.getConversation('t', conversation.id)).toEqual(conversation);
    await plugin.stop?.();
  });

  it('gives each plugin instance its own store', async () => {
    const first = recordingContext();
    const second = recordingContext();
    await memoryStore().register(first.ctx);
    await memoryStore().register(second.ctx);
    const a = first.ctx.resolve.get(TOKENS.StateStore);
    const b = second.ctx.resolve.get(TOKENS.StateStore);

    const conversation = await a.createConversation({ id: newId('conversation'), tenant: 't', metadata: {}, createdAt: 1 });
    expect(await b.getConversation('t', conversation.id)).toBeUndefined();
  });
});
