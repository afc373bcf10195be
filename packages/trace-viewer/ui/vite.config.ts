import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page is served at /ui/ by the gateway; it is built into the package's dist/page.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/page', import.meta.url)),
    emptyOutDir: true,
    // One small script and one stylesheet: nothing to split.
    modulePreload: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
