import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { memoryStore, silentLogger, type Item } from '@agentport/core';
import { SqliteStateStore, sqliteStore } from '@agentport/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeatherConversation } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'agentport-swap-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a reader cares about in the stored history: types and text, not the generated ids. */
function transcript(items: readonly Item[]): string[] {
  return items.map((item) => {
    switch (item.type) {
      case 'message': return `${item.role}: ${item.content.map((part) => ('text' in part ? part.text : '')).join('')}`;
      case 'function_call': return `call ${item.name} ${item.arguments}`;
      case 'function_call_output': return `result ${item.output}`;
      default: return item.type;
    }
  });
}

const EXPECTED = [
  'user: What is the weather in Paris?',
  'call get_weather {"city":"Paris"}',
  'result {"city":"Paris","celsius":21,"sky":"sunny"}',
  'assistant: It is 21 °C and sunny in Paris.',
  'user: And tomorrow?',
  'assistant: Tomorrow in Paris: rain, 17 °C.',
];

describe('examples/swap-store', () => {
  it('keeps the agent run in the memory store', async () => {
    const { responses, history } = await runWeatherConversation(memoryStore(), { config: { env: {} }, logger: silentLogger });
    expect(responses.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(responses[1]?.previousResponseId).toBe(responses[0]?.id);
    expect(transcript(history)).toEqual(EXPECTED);
  });

  it('keeps the same run in SQLite, where it outlives the app', async () => {
    const path = join(dir, 'swap.db');
    const { responses, history } = await runWeatherConversation(sqliteStore(), {
      config: { env: { AGENTPORT_STORE__PATH: path } }, logger: silentLogger,
    });
    expect(responses.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(transcript(history)).toEqual(EXPECTED);

    // The app has stopped; the file still has both turns.
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const [first, second] = responses;
    expect(await store.getResponse('example-tenant', second!.id)).toEqual(second);
    expect(await store.loadHistory('example-tenant', { kind: 'previous_response', responseId: second!.id })).toEqual(history);
    expect(transcript((await store.listResponseItems('example-tenant', first!.id, 'output', { order: 'asc' }))?.data ?? []))
      .toEqual(EXPECTED.slice(1, 4));
    await store.close();
  });

  describe('as a program', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

    beforeAll(() => {
      const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'examples/swap-store'], { cwd: root, encoding: 'utf8' });
      if (!existsSync(main)) throw new Error(`could not build examples/swap-store:\n${tsc.stdout}${tsc.stderr}`);
    });

    it('prints the same conversation from both stores', async () => {
      const path = join(dir, 'program', 'agentport.db');
      const { stdout } = await promisify(execFile)(process.execPath, [main], {
        cwd: dir, env: { ...process.env, AGENTPORT_STORE__PATH: path },
      });
      const [memory, sqlite] = stdout.split('sqliteStore():');
      for (const run of [memory, sqlite]) {
        expect(run).toContain('It is 21 °C and sunny in Paris.');
        expect(run).toContain('Tomorrow in Paris: rain, 17 °C.');
        expect(run).toMatch(/resp_\w+ completed, resp_\w+ completed/);
      }
      expect(existsSync(path)).toBe(true);
    });
  });
});
