import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * How to start Claude Code: `$CLAUDE_BIN` when set, else the native binary of the
 * `@anthropic-ai/claude-code` this example depends on. The package's `bin/claude.exe` is a stub
 * until its postinstall copies the binary over it (pnpm skips that script), so the binary is
 * taken from the platform package beside it; where there is none (e.g. musl), the package's own
 * `cli-wrapper.cjs` finds it. The binary itself is preferred: the wrapper waits on it
 * synchronously and passes no signal on, so a stopped script would leave Claude Code running.
 */
export function claudeCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  if (env.CLAUDE_BIN) return { command: env.CLAUDE_BIN, args: [] };
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
  try {
    const platformPackage = require.resolve(`@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`, { paths: [packageDir] });
    const binary = join(dirname(platformPackage), 'claude');
    if (existsSync(binary)) return { command: binary, args: [] };
  } catch {
    // No platform package for this machine: the wrapper knows the other names.
  }
  return { command: process.execPath, args: [join(packageDir, 'cli-wrapper.cjs')] };
}
