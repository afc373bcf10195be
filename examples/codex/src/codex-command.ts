import { createRequire } from 'node:module';

/** How to start Codex: `$CODEX_BIN` when set, else the `@openai/codex` this example depends on, run by this Node. */
export function codexCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  if (env.CODEX_BIN) return { command: env.CODEX_BIN, args: [] };
  const entry = createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');
  return { command: process.execPath, args: [entry] };
}

/** The `client_version` this example tells the gateway it is: the `@openai/codex` it ships with. */
export function bundledCodexVersion(): string {
  const manifest = createRequire(import.meta.url)('@openai/codex/package.json') as { version: string };
  return manifest.version;
}
