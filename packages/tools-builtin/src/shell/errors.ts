import { errorMarker } from '@agentport/core';
import { BuiltinToolError } from '../builtin-server/errors.js';

/** The model asked for a command that is not on the allowlist (or named it by a path). Nothing was started. */
export class CommandNotAllowedError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/CommandNotAllowedError');

  constructor(readonly command: string, allowed: readonly string[]) {
    super('command_not_allowed', `"${command}" is not an allowed command; allowed: ${allowed.length === 0 ? 'none' : allowed.join(', ')}`);
  }
}

/** Why an argument was refused. */
export type ArgumentRefusal = 'outside_workdir' | 'symlink_out_of_workdir' | 'invalid';

/** An argument that names a path outside the working directory. Nothing was started. */
export class ArgumentRefusedError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/ArgumentRefusedError');

  constructor(readonly argument: string, readonly reason: ArgumentRefusal) {
    super('argument_refused', `the argument "${argument}" is refused: ${REASONS[reason]}`);
  }
}

const REASONS: Record<ArgumentRefusal, string> = {
  outside_workdir: 'it names a path outside the working directory',
  symlink_out_of_workdir: 'it leads outside the working directory through a symbolic link',
  invalid: 'it holds a NUL character',
};

/** The command ran past its time limit; its whole process group was killed. */
export class CommandTimeoutError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/CommandTimeoutError');

  constructor(readonly command: string, readonly timeoutMs: number, partialOutput: string) {
    super('command_timeout', `"${command}" ran past its limit of ${timeoutMs} ms and was killed${partialOutput === '' ? '' : `; its output until then:\n${partialOutput}`}`);
  }
}

/** The command could not be started (the executable vanished, the sandbox failed). */
export class CommandStartError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/CommandStartError');

  constructor(readonly command: string, reason: string, options?: ErrorOptions) {
    super('command_start_failed', `"${command}" could not be started: ${reason}`, options);
  }
}
