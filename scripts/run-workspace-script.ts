// Runs a workspace TypeScript script (an example's `src/main.ts`) with plain Node, from source,
// as an end-to-end test's session does: with a bare environment, its output collected, killed
// (SIGTERM, which the script passes on to the client it started) after `timeoutMs`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const sourceHooks = fileURLToPath(new URL('./workspace-source-hooks.mjs', import.meta.url));

export interface ScriptOutcome {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  /** Its last 8,000 characters. */
  stderr: string;
}

export function runWorkspaceScript(script: string, args: string[], options: { env: Record<string, string>; timeoutMs: number; cwd?: string }): Promise<ScriptOutcome> {
  const node = ['--no-warnings', '--experimental-transform-types', '--import', sourceHooks, script];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...node, ...args], {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // No stdin: a headless client must not wait for more input.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', ...options.env },
      signal: AbortSignal.timeout(options.timeoutMs),
      killSignal: 'SIGTERM',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', (error) => {
      if (error.name !== 'AbortError') reject(error);
    });
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr: stderr.slice(-8_000) }));
  });
}
