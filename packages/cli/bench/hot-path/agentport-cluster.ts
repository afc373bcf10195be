/**
 * agentport as `agentport serve --workers N` runs it: the CLI's own primary process forking N
 * gateway workers on one port. The benchmark cannot learn a random port from the workers, so it
 * picks a free one, then waits until `/readyz` answers. Its CPU is the primary's and its workers'
 * together (`readProcessTreeCpu`).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Started } from './started-process.ts';

const READY_TIMEOUT_MS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startAgentportCluster(input: {
  repoRoot: string; upstreamUrl: string; db: string; apiKey: string; workers: number; overrides: object;
}): Promise<Started> {
  const port = await freePort();
  const configFile = join(tmpdir(), `agentport-bench-cluster-${process.pid}.config.json`);
  writeFileSync(configFile, JSON.stringify(input.overrides));
  const child = spawn(process.execPath, [join(input.repoRoot, 'packages', 'cli', 'dist', 'main.js'), 'serve',
    '--workers', String(input.workers), '--upstream', input.upstreamUrl, '--db', input.db, '--host', '127.0.0.1',
    '--port', String(port), '--api-key', input.apiKey, '--config', configFile],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, AGENTPORT_LOG__LEVEL: process.env.AGENTPORT_LOG__LEVEL ?? 'warn' } });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`agentport serve --workers ${input.workers} exited with ${child.exitCode} before it served`);
    // The workers start side by side; the warm-up streams that follow reach the slower ones.
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return { child, url };
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`agentport serve --workers ${input.workers} did not become ready in ${READY_TIMEOUT_MS} ms`);
}
