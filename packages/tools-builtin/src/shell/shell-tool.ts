import type { ToolContext } from '@agentport/core';
import { ArgumentReader } from '../builtin-server/argument-reader.js';
import type { BuiltinTool } from '../builtin-server/builtin-tool.js';
import type { CommandAllowlist } from './command-allowlist.js';
import { runCommand, type CommandOutcome } from './command-runner.js';
import { scrubbedEnvironment } from './scrubbed-environment.js';
import { launchCommand, type ShellSandbox } from './shell-sandbox.js';
import type { WorkingDirectory } from './working-directory.js';

export const SHELL_TOOL_NAME = 'shell';

/** What the shell tool runs with, fixed at start. */
export interface ShellToolSetup {
  allowlist: CommandAllowlist;
  workingDirectory: WorkingDirectory;
  sandbox: ShellSandbox;
  searchPath: string;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** Arguments per call, and characters per argument, beyond which a call is refused. */
const MAX_ARGS = 256;
const MAX_ARG_CHARS = 4_096;
const MAX_COMMAND_CHARS = 256;

/**
 * The `shell` tool: runs one allowlisted command with an argument list, no shell in between
 * (`;`, `|`, `$(…)`, globs and quotes are plain characters of an argument), in the working
 * directory. Returns what it printed and its exit code; a non-zero exit code is an answer,
 * not a failure. A command not on the list, an argument naming a path outside the working
 * directory, and a command past its time limit are failed calls.
 */
export function shellTool(setup: ShellToolSetup): BuiltinTool {
  const { allowlist, workingDirectory } = setup;
  const env = scrubbedEnvironment(setup.searchPath, workingDirectory.path);
  return {
    name: SHELL_TOOL_NAME,
    readOnly: false,
    description: `Runs one command with arguments, without a shell: no pipes, redirections, variables or globs; each argument is passed as written. `
      + `Allowed commands: ${allowlist.names.join(', ') || 'none'}. It runs in a working directory it cannot leave; paths in arguments are relative to it. `
      + `Limits: ${Math.round(setup.timeoutMs / 1000)} s, ${setup.maxOutputBytes} bytes of output. Returns stdout, stderr and the exit code.`,
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: `The command's name, one of: ${allowlist.names.join(', ')}.` },
        args: { type: 'array', items: { type: 'string' }, description: 'The arguments, one string each (no shell quoting).' },
      },
      required: ['command', 'args'],
      additionalProperties: false,
    },
    async call(input: unknown, ctx: ToolContext): Promise<string> {
      const reader = new ArgumentReader(SHELL_TOOL_NAME, input);
      const name = reader.string('command', { maxLength: MAX_COMMAND_CHARS });
      const args = reader.stringList('args', { maxItems: MAX_ARGS, maxLength: MAX_ARG_CHARS });
      const command = allowlist.get(name);
      await workingDirectory.checkArguments(args);
      const outcome = await runCommand({
        name,
        launch: launchCommand(setup.sandbox, command.path, args, workingDirectory.path, name),
        cwd: workingDirectory.path,
        env,
        timeoutMs: setup.timeoutMs,
        maxOutputBytes: setup.maxOutputBytes,
        signal: ctx.signal,
      });
      return describeOutcome(outcome, setup.maxOutputBytes);
    },
  };
}

function describeOutcome(outcome: CommandOutcome, maxOutputBytes: number): string {
  const parts: string[] = [];
  if (outcome.stdout !== '') parts.push(outcome.stdout.endsWith('\n') ? outcome.stdout.slice(0, -1) : outcome.stdout);
  if (outcome.stderr !== '') parts.push(`[stderr]\n${outcome.stderr.endsWith('\n') ? outcome.stderr.slice(0, -1) : outcome.stderr}`);
  if (outcome.outputCut) parts.push(`[output cut at ${maxOutputBytes} bytes; the command was stopped]`);
  else parts.push(outcome.exitCode === null ? `[killed by ${outcome.signal ?? 'a signal'}]` : `[exit code ${outcome.exitCode}]`);
  return parts.join('\n');
}
