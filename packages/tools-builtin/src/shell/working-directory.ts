import { lstat, realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BuiltinToolConfigError } from '../builtin-server/errors.js';
import { isInsideDirectory, openRealDirectory } from '../builtin-server/real-directory.js';
import { ArgumentRefusedError } from './errors.js';

/**
 * The one directory commands run in. The process's cwd is fixed to it, and no argument may
 * name a path outside it: each argument (and the value of an option such as `--file=…` or
 * `-f…`) is resolved against it and refused if it leaves, lexically (`..`, an absolute path)
 * or through a symlink (the longest existing part is resolved with realpath and must be the
 * directory or below it). Without bwrap this is a check of the arguments, not a wall: a
 * command may still open paths it computes itself, so allow only commands you would let see
 * the whole file system.
 */
export class WorkingDirectory {
  private constructor(readonly path: string) {}

  static async open(path: string): Promise<WorkingDirectory> {
    if (path === '') throw new BuiltinToolConfigError('shell', 'workingDirectory must be set (AGENTPORT_SHELL__WORKING_DIRECTORY) when the shell is enabled');
    const real = await openRealDirectory('shell', 'workingDirectory', path);
    return new WorkingDirectory(real);
  }

  /** Refuses the first argument that leads outside the directory. */
  async checkArguments(args: readonly string[]): Promise<void> {
    for (const arg of args) {
      if (arg.includes('\0')) throw new ArgumentRefusedError(arg, 'invalid');
      for (const candidate of pathCandidates(arg)) {
        const lexical = resolve(this.path, candidate);
        if (!this.contains(lexical)) throw new ArgumentRefusedError(arg, 'outside_workdir');
        const real = await realpathOfExisting(lexical);
        if (real === undefined || !this.contains(real)) throw new ArgumentRefusedError(arg, 'symlink_out_of_workdir');
      }
    }
  }

  private contains(path: string): boolean {
    return isInsideDirectory(this.path, path);
  }
}

/** An option's leading dashes and letters, before a value written right after them (`-f/etc/passwd`, `-I../x`). */
const OPTION_NAME = /^-+[A-Za-z0-9]*/;

/** The texts of an argument that may be paths: the argument, and for an option its value (after `=`, or glued on). */
function pathCandidates(arg: string): string[] {
  if (!arg.startsWith('-')) return [arg];
  const equals = arg.indexOf('=');
  const value = equals >= 0 ? arg.slice(equals + 1) : arg.replace(OPTION_NAME, '');
  return value === '' ? [arg] : [arg, value];
}

/**
 * The real path of `path`, or of its longest ancestor that exists, joined with the rest as
 * written. Undefined when a part of it is a dangling symlink: where it leads cannot be
 * checked, and a command that creates files would follow it.
 */
async function realpathOfExisting(path: string): Promise<string | undefined> {
  let existing = path;
  for (;;) {
    try {
      const real = await realpath(existing);
      return existing === path ? real : resolve(real, path.slice(existing.length + 1));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(existing);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === existing) throw error;
      if (await lstat(existing).then(() => true, () => false)) return undefined;
      existing = parent;
    }
  }
}
