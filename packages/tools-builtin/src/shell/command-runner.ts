import { spawn } from 'node:child_process';
import { CommandStartError, CommandTimeoutError } from './errors.js';
import type { LaunchCommand } from './shell-sandbox.js';

export interface CommandRunOptions {
  /** The name the model used, for messages. */
  name: string;
  launch: LaunchCommand;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}

/** How a command that was started ended (a time limit is a `CommandTimeoutError` instead). */
export interface CommandOutcome {
  /** Null when it was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The output went past `maxOutputBytes`: it was cut and the command stopped. */
  outputCut: boolean;
}

/** After the command exits, how long its pipes may stay open (held by a child that left the group) before they are closed. */
const PIPE_DRAIN_MS = 1_000;

/**
 * Runs one command without a shell (`spawn` with an argv array; nothing is parsed or
 * expanded), with stdin closed, in its own process group so that a time limit, a flood of
 * output or a cancel kills everything it started, not just its first process. Once the
 * command exits, anything it left running in its group is killed too.
 */
export function runCommand(options: CommandRunOptions): Promise<CommandOutcome> {
  const { launch, maxOutputBytes, signal } = options;
  signal.throwIfAborted();
  return new Promise<CommandOutcome>((resolve, reject) => {
    const child = spawn(launch.file, launch.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      shell: false,
      ...(launch.argv0 === undefined ? {} : { argv0: launch.argv0 }),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    let outputCut = false;
    let ending: 'running' | 'timed_out' | 'cancelled' | 'started_failed' = 'running';

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (outputCut) return;
      const room = maxOutputBytes - kept;
      if (chunk.length > room) {
        into.push(chunk.subarray(0, room));
        kept = maxOutputBytes;
        outputCut = true;
        killGroup();
        return;
      }
      into.push(chunk);
      kept += chunk.length;
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));

    const timer = setTimeout(() => {
      ending = 'timed_out';
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      ending = 'cancelled';
      killGroup();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };

    child.on('error', (error) => {
      ending = 'started_failed';
      finish();
      reject(new CommandStartError(options.name, error.message, { cause: error }));
    });
    child.on('exit', () => {
      killGroup();
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_DRAIN_MS).unref();
    });
    child.on('close', (exitCode, exitSignal) => {
      finish();
      const text = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (ending === 'started_failed') return;
      if (ending === 'cancelled') return reject(signal.reason);
      if (ending === 'timed_out') return reject(new CommandTimeoutError(options.name, options.timeoutMs, [text.stdout, text.stderr].filter(Boolean).join('\n')));
      resolve({ exitCode, signal: exitSignal, ...text, outputCut });
    });
  });
}
