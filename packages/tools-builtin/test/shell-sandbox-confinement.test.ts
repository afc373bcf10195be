import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, SHELL_DEFAULTS, shellToolProvider, type ShellSandboxMode, type ShellToolProvider } from '../src/index.js';
import { outputOf } from './builtin-tool-support.js';

/**
 * The wall bubblewrap puts around a command, seen from inside: a probe script the model is
 * allowed to run computes its own paths (so the argument check cannot stop it) and tries to
 * look at, write to and connect out of its sandbox. The same probe without a sandbox sees and
 * reaches everything, which shows that each probe can tell.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PROBE = 'confinement-probe';

let base: string;
let workdir: string;
let binDir: string;
let escapeFile: string;
let repoFile: string;
let hostTmpFile: string;
let listener: Server;
let connections = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'agentport-confinement-'));
  workdir = join(base, 'work');
  binDir = join(base, 'bin');
  escapeFile = join(base, 'escaped.txt');
  repoFile = join(REPO_ROOT, 'node_modules', `.agentport-confinement-${process.pid}`);
  hostTmpFile = join(tmpdir(), `agentport-confinement-${process.pid}-${Date.now()}.txt`);
  await mkdir(workdir, { recursive: true });
  await mkdir(binDir, { recursive: true });
  listener = createServer((socket) => {
    connections += 1;
    socket.end();
  });
  await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
  const port = (listener.address() as { port: number }).port;
  // Each line is `name=<exit status>`; the paths are written in, as the model could compute them.
  await writeFile(join(binDir, PROBE), [
    '#!/bin/bash',
    `ls ${quote(dirname(REPO_ROOT))} >/dev/null 2>&1; echo "list_repo_parent=$?"`,
    `cat ${quote(join(REPO_ROOT, 'package.json'))} >/dev/null 2>&1; echo "read_repo=$?"`,
    'cat /etc/passwd >/dev/null 2>&1; echo "read_etc_passwd=$?"',
    `echo escaped > ${quote(repoFile)} 2>/dev/null; echo "write_repo=$?"`,
    `echo escaped > ${quote(escapeFile)} 2>/dev/null; echo "write_beside_workdir=$?"`,
    `echo escaped > ${quote(hostTmpFile)} 2>/dev/null; echo "write_tmp=$?"`,
    'echo inside > ./inside.txt 2>/dev/null; echo "write_workdir=$?"',
    `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; echo "connect_loopback=$?"`,
    '',
  ].join('\n'));
  await chmod(join(binDir, PROBE), 0o755);
});

afterAll(async () => {
  await new Promise<void>((done) => listener.close(() => done()));
  await rm(base, { recursive: true, force: true });
  await rm(hostTmpFile, { force: true });
  await rm(repoFile, { force: true });
});

function quote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

async function provider(sandbox: ShellSandboxMode): Promise<ShellToolProvider> {
  const { enabled: _enabled, ...defaults } = SHELL_DEFAULTS;
  return shellToolProvider({
    ...defaults, sandbox, commands: [PROBE], workingDirectory: workdir, searchPath: `${binDir}:${SHELL_DEFAULTS.searchPath}`,
  });
}

/** Runs the probe through the shell tool and reads its `name=status` lines. */
async function probe(tools: ShellToolProvider): Promise<Record<string, number>> {
  const output = await outputOf(tools, 'shell', { command: PROBE, args: [] });
  return Object.fromEntries(output.split('\n').filter((line) => line.includes('=')).map((line) => {
    const [name, status] = line.split('=');
    return [name!, Number(status)];
  }));
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe('the shell sandbox, probed from inside', () => {
  it('without a sandbox the probe sees, writes and connects outside (so each probe can tell)', async () => {
    const before = connections;
    expect(await probe(await provider('none'))).toEqual({
      list_repo_parent: 0, read_repo: 0, read_etc_passwd: 0, write_repo: 0, write_beside_workdir: 0, write_tmp: 0, write_workdir: 0, connect_loopback: 0,
    });
    expect(await readFile(escapeFile, 'utf8')).toBe('escaped\n');
    expect(await exists(hostTmpFile)).toBe(true);
    expect(await exists(repoFile)).toBe(true);
    expect(connections).toBeGreaterThan(before);
    await rm(repoFile);
    await rm(escapeFile);
    await rm(hostTmpFile);
    await rm(join(workdir, 'inside.txt'));
  });

  it('with sandbox: auto and bubblewrap installed, nothing outside the working directory is visible or writable, and no network', async () => {
    const bwrap = await findExecutable('bwrap', SHELL_DEFAULTS.searchPath);
    const tools = await provider('auto');
    if (bwrap === undefined) {
      // CI installs bubblewrap (.ci/run); there its absence is a failure, not a fallback.
      expect(process.env.CI, 'bubblewrap is not installed (Debian: apt-get install bubblewrap); CI must have it').toBeUndefined();
      expect(tools.sandbox).toMatchObject({ kind: 'none' });
      return;
    }
    expect(tools.sandbox, 'bubblewrap is installed but does not work here').toEqual({ kind: 'bwrap', bwrapPath: bwrap });
    const before = connections;
    const statuses = await probe(tools);

    expect(statuses.write_workdir).toBe(0);
    for (const outside of ['list_repo_parent', 'read_repo', 'read_etc_passwd', 'write_repo', 'connect_loopback']) {
      expect({ [outside]: statuses[outside] }).not.toEqual({ [outside]: 0 });
    }
    // `/tmp` inside is a fresh tmpfs: writes there succeed and never reach the host's.
    expect(statuses.write_tmp).toBe(0);
    expect(await exists(hostTmpFile)).toBe(false);
    expect(await exists(escapeFile)).toBe(false);
    expect(await exists(repoFile)).toBe(false);
    expect(connections).toBe(before);
    expect(await readFile(join(workdir, 'inside.txt'), 'utf8')).toBe('inside\n');
  });
});
