import type { Plugin } from '../kernel/plugin.js';
import { TOKENS } from '../kernel/tokens.js';
import { MemoryStateStore } from './memory-state-store.js';

/**
 * Binds a `MemoryStateStore` to the StateStore port: state lives in the process and is lost
 * when it exits. For tests, examples and deployments that need no durability.
 */
export function memoryStore(): Plugin {
  let store: MemoryStateStore | undefined;
  return {
    name: 'memory-store',
    register(ctx) {
      store = new MemoryStateStore();
      ctx.bind(TOKENS.StateStore, store);
    },
    async stop() {
      await store?.close();
    },
  };
}
