// Runs a session script of an end-to-end client test (Codex, Claude Code) inside a new network
// namespace whose only interface is lo, so nothing the client does on its own can leave the
// machine. The script runs from the workspace's TypeScript sources and prints its summary as
// the last line of its output, as JSON. A namespace that cannot be made fails the test: it is
// never skipped.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const sourceHooks = fileURLToPath(new URL('./workspace-source-hooks.mjs', import.meta.url));

export function runInPrivateNetwork<Summary>(options: { script: string; request: unknown; cwd: string; client: string }): Promise<Summary> {
  const node = [process.execPath, '--no-warnings', '--experimental-transform-types', '--import', sourceHooks, options.script, JSON.stringify(options.request)];
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...node], {
      cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', (error) => reject(new Error(`could not start 'unshare -n' (util-linux) to run ${options.client} in a private network namespace: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`the ${options.client} session in a private network namespace failed (exit ${code}). 'unshare -n' needs root or CAP_SYS_ADMIN, and 'ip' (iproute2).\n${stderr}`));
        return;
      }
      const summaryLine = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(summaryLine) as Summary);
      } catch {
        reject(new Error(`the ${options.client} session printed no summary:\n${stdout}\n${stderr}`));
      }
    });
  });
}
