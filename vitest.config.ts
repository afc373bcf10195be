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
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
