/**
 * The cases every `StateStore` backend must pass, one file per section.
 *
 * A new backend calls it from one of its own test files (see store-sqlite's
 * `test/sqlite-conformance.test.ts`):
 *
 *   import { runStateStoreConformance } from '@agentport/core/testing';
 *   runStateStoreConformance('MyStore', () => MyStateStore.open(options), { cleanup: removeFiles });
 *
 * `makeStore` runs before each case and the store is closed after it; cases make their own tenants
 * and ids, so one database may serve every case. A new case goes in the file of its section.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { concurrencyCases } from './concurrency.js';
import { conversationCases } from './conversations.js';
import { copyCases } from './copies.js';
import { createdFinishedCases } from './created-finished.js';
import { eventLogCases } from './event-log.js';
import { historyCases } from './history.js';
import { hostileStringCases } from './hostile-strings.js';
import { itemCases } from './items.js';
import { pagingCases } from './paging.js';
import { responseCases } from './responses.js';
import { tenantIsolationCases } from './tenant-isolation.js';
import { traceViewerReadCases } from './trace-viewer-reads.js';
import { usageCases } from './usage.js';

export interface StateStoreConformanceOptions {
  /** Runs after each case, once the store is closed (e.g. to remove a database file). */
  cleanup?: (store: StateStore) => Promise<void>;
}

/**
 * Declares the cases every `StateStore` must pass, in a vitest `describe` block. `makeStore` is
 * called before each case; each case uses its own tenants and ids, so a store may be shared.
 */
export function runStateStoreConformance(
  name: string,
  makeStore: () => Promise<StateStore> | StateStore,
  options: StateStoreConformanceOptions = {},
): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
      await options.cleanup?.(store);
    });

    const currentStore = (): StateStore => store;
    responseCases(currentStore);
    itemCases(currentStore);
    historyCases(currentStore);
    pagingCases(currentStore);
    hostileStringCases(currentStore);
    conversationCases(currentStore);
    tenantIsolationCases(currentStore);
    concurrencyCases(currentStore);
    eventLogCases(currentStore);
    createdFinishedCases(currentStore);
    copyCases(currentStore);
    usageCases(currentStore);
    traceViewerReadCases(currentStore);
  });
}
