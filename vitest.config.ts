import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their dist/.
    alias: [
      { find: /^@agentport\/([a-z-]+)\/testing$/, replacement: `${packagesDir}$1/src/testing/index.ts` },
      { find: /^@agentport\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    benchmark: { include: ['packages/*/bench/**/*.bench.ts'] },
    // Most tests wait on child processes and sockets, not the CPU: two workers keep a 2-core machine
    // busy where vitest's default (cores - 1) would leave one idle. Files share a worker's module
    // graph (no isolate) because importing the packages afresh per file cost a fifth of the run.
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
