import { BuiltinToolConfigError } from '../builtin-server/errors.js';
import { CommandNotAllowedError } from './errors.js';
import { findExecutable } from './executable-lookup.js';

/**
 * Programs whose job is to run other programs or code: a shell, a command runner or a
 * general interpreter on the allowlist would make "no shell, allowlisted commands only"
 * meaningless, so they are refused at start.
 */
export const COMMAND_RUNNERS: ReadonlySet<string> = new Set([
  'sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'rbash', 'busybox',
  'env', 'xargs', 'nohup', 'timeout', 'nice', 'ionice', 'setsid', 'stdbuf', 'chroot', 'unshare', 'nsenter',
  'sudo', 'su', 'doas', 'runuser', 'pkexec', 'script', 'watch', 'flock', 'strace', 'ltrace', 'gdb', 'ssh',
  'python', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'php', 'lua', 'tclsh', 'bwrap',
]);

/** A name the model may use and the absolute path it runs. */
export interface AllowedCommand {
  name: string;
  path: string;
}

/**
 * The commands the model may run: executable names, each looked up once (at start) on the
 * search path. A call names a command by its name exactly; a path, a name not on the list, or
 * anything with a space or a `;` in it is not a name on the list.
 */
export class CommandAllowlist {
  private constructor(private readonly commands: ReadonlyMap<string, AllowedCommand>) {}

  static async resolve(names: readonly string[], searchPath: string): Promise<CommandAllowlist> {
    const commands = new Map<string, AllowedCommand>();
    const problems: string[] = names.length === 0 ? ['name at least one command (AGENTPORT_SHELL__COMMANDS)'] : [];
    for (const name of new Set(names)) {
      if (name.includes('/') || name === '.' || name === '..') {
        problems.push(`"${name}" is not a command name (give names, not paths)`);
        continue;
      }
      if (COMMAND_RUNNERS.has(name)) {
        problems.push(`"${name}" runs other programs or code, so it cannot be allowed`);
        continue;
      }
      const path = await findExecutable(name, searchPath);
      if (path === undefined) problems.push(`"${name}" is not found on ${searchPath}`);
      else commands.set(name, { name, path });
    }
    if (problems.length > 0) throw new BuiltinToolConfigError('shell', `commands: ${problems.join('; ')}`);
    return new CommandAllowlist(commands);
  }

  get names(): string[] {
    return [...this.commands.keys()];
  }

  get paths(): string[] {
    return [...this.commands.values()].map((command) => command.path);
  }

  /** The command of that name, or a refusal. */
  get(name: string): AllowedCommand {
    const command = this.commands.get(name);
    if (!command) throw new CommandNotAllowedError(name, this.names);
    return command;
  }
}
