// Lets plain Node run the workspace's TypeScript sources, as vitest does for the tests:
// `@agentport/<pkg>` and `@agentport/<pkg>/testing` resolve to packages/<pkg>/src, and a
// relative `./x.js` imported from a .ts file resolves to `./x.ts` when that exists. Used with
// `node --experimental-transform-types --import <this file> <script.ts>`.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const packagesDir = new URL('../packages/', import.meta.url);
const WORKSPACE_PACKAGE = /^@agentport\/([a-z-]+)(\/testing)?$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const workspace = WORKSPACE_PACKAGE.exec(specifier);
    if (workspace) {
      const entry = new URL(`${workspace[1]}/src/${workspace[2] ? 'testing/' : ''}index.ts`, packagesDir);
      if (existsSync(fileURLToPath(entry))) return { url: entry.href, shortCircuit: true };
    }
    const fromTypeScript = context.parentURL?.endsWith('.ts') ?? false;
    if (fromTypeScript && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
