import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('scripts/toolchain.mjs, what `npm start` runs', () => {
  it('passes SIGTERM on to the gateway it started, which stops cleanly, and exits as its child did', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentport-toolchain-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['scripts/toolchain.mjs', 'run', 'serve', '--port', '0', '--db', join(dir, 'db.sqlite')], {
      cwd: repoRoot, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const match = /API at (http:\/\/[^\s"]+)\/v1/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the toolchain exited with ${code}: ${output}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // Only the toolchain process is signalled, as `kill <pid>` or a supervisor would.
    child.kill('SIGTERM');
    // pnpm, between the toolchain and the gateway, ends by the signal itself: 128 + 15, as a shell says it.
    expect(await exited(child)).toBe(143);
    expect(output).toMatch(/"msg":"stopped"/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('exits with the code of the script it ran', async () => {
    const child = spawn(process.execPath, ['scripts/toolchain.mjs', 'run', 'serve', '--port', 'eighty'], {
      cwd: repoRoot, env: { PATH: process.env.PATH }, stdio: 'ignore',
    });
    expect(await exited(child)).toBe(2);
  }, 60_000);
});
