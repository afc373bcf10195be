import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { BuiltinToolConfigError } from '../builtin-server/errors.js';
import { findExecutable } from './executable-lookup.js';
import type { ShellSandboxMode } from './shell-config.js';

/** How commands are started: inside bubblewrap, or directly (with a reason why not bwrap). */
export type ShellSandbox =
  | { kind: 'bwrap'; bwrapPath: string }
  | { kind: 'none'; reason: string };

/** A program and its arguments, ready for `spawn` (no shell). */
export interface LaunchCommand {
  file: string;
  args: string[];
  /** The name the program sees itself called by (its messages start with it). */
  argv0?: string;
}

/** System directories mounted read-only inside the sandbox: enough for dynamically linked programs. */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives', '/etc/localtime'];

/** How long the start-up probe of bwrap may take. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Picks the sandbox at start. `auto` uses bubblewrap when it is on the search path and a
 * probe run works (it needs user namespaces, or root), else none; `bwrap` refuses to start
 * without a working one; `none` never uses it.
 */
export async function chooseShellSandbox(mode: ShellSandboxMode, searchPath: string, workingDirectory: string): Promise<ShellSandbox> {
  if (mode === 'none') return { kind: 'none', reason: 'sandbox is set to none' };
  const bwrapPath = await findExecutable('bwrap', searchPath);
  const problem = bwrapPath === undefined ? `bwrap is not installed on ${searchPath} (Debian: apt-get install bubblewrap)` : await probe(bwrapPath, searchPath, workingDirectory);
  if (problem === undefined && bwrapPath !== undefined) return { kind: 'bwrap', bwrapPath };
  if (mode === 'bwrap') throw new BuiltinToolConfigError('shell', `sandbox is bwrap, but ${problem}`);
  return { kind: 'none', reason: problem ?? 'bwrap is unavailable' };
}

/**
 * The program to spawn for `command` with `args`. Under bwrap the command gets new
 * namespaces of every kind (no network: only its own loopback), no capabilities, its own
 * session (no terminal injection), the system directories read-only, an empty `/tmp`, and the
 * working directory as the only writable place; it dies with its parent.
 */
export function launchCommand(sandbox: ShellSandbox, command: string, args: readonly string[], workingDirectory: string, argv0?: string): LaunchCommand {
  if (sandbox.kind === 'none') return { file: command, args: [...args], ...(argv0 === undefined ? {} : { argv0 }) };
  return { file: sandbox.bwrapPath, args: [...bwrapArguments(command, workingDirectory), '--', command, ...args] };
}

function bwrapArguments(command: string, workingDirectory: string): string[] {
  const readOnly = [...SYSTEM_PATHS];
  const commandDir = dirname(command);
  // A command installed outside the system directories (e.g. /opt/tool/bin) brings its own.
  if (!readOnly.some((path) => commandDir === path || commandDir.startsWith(`${path}/`))) readOnly.push(commandDir);
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop', 'ALL',
    // Mounts apply in order: the empty /tmp first, so a command directory below /tmp still shows.
    '--tmpfs', '/tmp',
    ...readOnly.flatMap((path) => ['--ro-bind-try', path, path]),
    '--proc', '/proc',
    '--dev', '/dev',
    '--bind', workingDirectory, workingDirectory,
    '--chdir', workingDirectory,
  ];
}

/** Runs `true` in the sandbox; undefined when it worked, else what went wrong. */
async function probe(bwrapPath: string, searchPath: string, workingDirectory: string): Promise<string | undefined> {
  const truePath = await findExecutable('true', searchPath);
  if (truePath === undefined) return undefined;
  const launch = launchCommand({ kind: 'bwrap', bwrapPath }, truePath, [], workingDirectory);
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(launch.file, launch.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: searchPath }, timeout: PROBE_TIMEOUT_MS });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', (error) => resolve(`bwrap could not be run: ${error.message}`));
    child.on('close', (code, signal) => {
      resolve(code === 0 ? undefined : `bwrap does not work here (${signal ?? `exit code ${code}`}): ${stderr.trim().slice(0, 300)}`);
    });
  });
}
