import { rmSync } from 'node:fs';
import { runStateStoreConformance } from '@agentport/core/testing';
import { afterAll } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { temporaryDirectory } from './store-fixtures.js';

const dir = temporaryDirectory('conformance');
afterAll(() => dir.remove());

// A new database file per case; the suite closes the store, then the cleanup removes its files.
let cases = 0;
let currentFile = '';
runStateStoreConformance('SQLite on a file', () => {
  cases += 1;
  currentFile = dir.file(`case-${cases}.db`);
  return SqliteStateStore.open({ path: currentFile, purgeIntervalSeconds: 0 });
}, {
  cleanup: async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${currentFile}${suffix}`, { force: true });
  },
});

runStateStoreConformance('SQLite in memory', () => SqliteStateStore.open({ path: ':memory:', purgeIntervalSeconds: 0 }));
