import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { SECONDS_PER_HOUR, type UsageHour } from '../../store/usage-records.js';
import { newTenant } from './sample-items.js';

/** An hour of its own for each case (the store may be shared between cases): random, far in the past. */
function someHour(): number {
  return (100_000 + Math.floor(Math.random() * 300_000)) * SECONDS_PER_HOUR;
}

function usage(tenant: string, model: string, hourStart: number, scale = 1): UsageHour {
  return {
    tenant, model, hourStart, responses: scale, inputTokens: 100 * scale, outputTokens: 20 * scale, cachedInputTokens: 60 * scale,
    reasoningTokens: 5 * scale, toolCalls: 2 * scale, runMs: 1_500 * scale,
  };
}

/** Usage is added into one row per tenant, model and hour, and read back by time range and tenant. */
export function usageCases(currentStore: () => StateStore): void {
  describe('usage', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('sums what is added to the same tenant, model and hour, keeps the others apart, and reads a range in order', async () => {
      const [alice, bob] = [newTenant(), newTenant()];
      const hour = someHour();
      await store.addUsage([usage(alice, 'qwen', hour), usage(alice, 'llama', hour, 3)]);
      await store.addUsage([usage(alice, 'qwen', hour, 2), usage(alice, 'qwen', hour + SECONDS_PER_HOUR), usage(bob, 'qwen', hour, 7)]);

      const mine = (await store.readUsage({ from: hour, to: hour + 2 * SECONDS_PER_HOUR })).filter((row) => row.tenant === alice || row.tenant === bob);
      expect(mine).toEqual([
        usage(alice, 'llama', hour, 3),
        usage(alice, 'qwen', hour, 3),
        usage(bob, 'qwen', hour, 7),
        usage(alice, 'qwen', hour + SECONDS_PER_HOUR),
      ].sort((a, b) => a.hourStart - b.hourStart || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) || (a.model < b.model ? -1 : 1)));
      // `to` is exclusive, `from` inclusive; a tenant sees its own rows only.
      expect(await store.readUsage({ from: hour + SECONDS_PER_HOUR, to: hour + 2 * SECONDS_PER_HOUR, tenant: alice })).toEqual([usage(alice, 'qwen', hour + SECONDS_PER_HOUR)]);
      expect(await store.readUsage({ from: hour, to: hour + SECONDS_PER_HOUR, tenant: bob })).toEqual([usage(bob, 'qwen', hour, 7)]);
      expect(await store.readUsage({ from: hour, to: hour, tenant: alice })).toEqual([]);
    });

    it('keeps large totals exact and takes an empty batch', async () => {
      const tenant = newTenant();
      const hour = someHour();
      const big = { ...usage(tenant, 'm', hour), inputTokens: 2 ** 40, runMs: 2 ** 41 };
      await store.addUsage([big]);
      await store.addUsage([big]);
      await store.addUsage([]);
      expect(await store.readUsage({ from: hour, to: hour + 1, tenant })).toEqual([{ ...big, responses: 2, inputTokens: 2 ** 41, outputTokens: 40, cachedInputTokens: 120, reasoningTokens: 10, toolCalls: 4, runMs: 2 ** 42 }]);
    });
  });
}
