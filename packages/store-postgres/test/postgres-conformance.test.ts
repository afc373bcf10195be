import { runStateStoreConformance } from '@agentport/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStateStore } from '../src/index.js';
import { startTestPostgres, type TestPostgres } from '../src/testing/index.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(() => server?.stop());

// A new database per case; the suite closes the store.
runStateStoreConformance('PostgreSQL', async () => PostgresStateStore.open({ url: await server.createDatabase(), purgeIntervalSeconds: 0 }));
