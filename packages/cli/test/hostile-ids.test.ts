import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore, type StateStore } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { SqliteStateStore } from '@agentport/store-sqlite';
import { GatewayHarness } from '@agentport/gateway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Ids reach the gateway from the URL: each route that takes one must answer 400 or 404 for an id
// that holds a NUL, quotes, a backslash, LIKE wildcards or 10 kB of text (414: longer than a path
// parameter may be), never a 500.
const hostileIds = ['resp_%00abc', "resp_'quoted'", 'resp_%5C%5Cx', 'resp_%25_', `resp_${'x'.repeat(10_000)}`, 'conv_%00', '%22%3B%20drop%20table%20responses'];

const routes: Array<{ method: string; path: (id: string) => string; body?: unknown }> = [
  { method: 'GET', path: (id) => `/v1/responses/${id}` },
  { method: 'GET', path: (id) => `/v1/responses/${id}?stream=true` },
  { method: 'DELETE', path: (id) => `/v1/responses/${id}` },
  { method: 'POST', path: (id) => `/v1/responses/${id}/cancel` },
  { method: 'GET', path: (id) => `/v1/responses/${id}/input_items` },
  { method: 'GET', path: (id) => `/v1/conversations/${id}` },
  { method: 'POST', path: (id) => `/v1/conversations/${id}`, body: { metadata: { a: 'b' } } },
  { method: 'DELETE', path: (id) => `/v1/conversations/${id}` },
  { method: 'GET', path: (id) => `/v1/conversations/${id}/items` },
  { method: 'POST', path: (id) => `/v1/conversations/${id}/items`, body: { items: [{ type: 'message', role: 'user', content: 'hi' }] } },
  { method: 'GET', path: (id) => `/v1/conversations/conv_missing/items/${id}` },
  { method: 'DELETE', path: (id) => `/v1/conversations/conv_missing/items/${id}` },
  { method: 'GET', path: (id) => `/v1/responses?after=${id}` },
];

const stores: Array<{ name: string; open: (dir: string) => Promise<StateStore> }> = [
  { name: 'the memory store', open: async () => new MemoryStateStore() },
  { name: 'SQLite', open: (dir) => SqliteStateStore.open({ path: join(dir, 'agentport.db'), purgeIntervalSeconds: 0 }) },
];

for (const { name, open } of stores) {
  describe(`hostile ids on every id route, over ${name}`, () => {
    let dir: string;
    let store: StateStore;
    let harness: GatewayHarness;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agentport-hostile-'));
      store = await open(dir);
      harness = await GatewayHarness.start({ model: new ScriptedModel([]), store });
    });

    afterAll(async () => {
      await harness.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('answers 400 or 404 with an OpenAI-shaped error, and the server keeps serving', async () => {
      for (const route of routes) {
        for (const id of hostileIds) {
          const response = await harness.fetch(route.path(id), { method: route.method, body: route.body });
          const body = await response.json() as { error?: { message?: unknown; type?: unknown } };
          expect({ route: `${route.method} ${route.path(id).slice(0, 60)}`, status: response.status })
            .toEqual({ route: `${route.method} ${route.path(id).slice(0, 60)}`, status: expect.toBeOneOf([400, 404, 414]) });
          expect(typeof body.error?.message).toBe('string');
          expect(typeof body.error?.type).toBe('string');
        }
      }
      expect((await harness.fetch('/healthz', { apiKey: null })).status).toBe(200);
    });
  });
}
