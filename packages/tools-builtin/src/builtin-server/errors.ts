import { AgentportError, errorMarker } from '@agentport/core';

/**
 * A refusal or failure a built-in tool explains itself (a path outside the root, an address
 * it may not reach, a command not on the allowlist, …). A call that throws one becomes a
 * failed `mcp_call` item whose `error` is the message; the run goes on.
 */
export class BuiltinToolError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/BuiltinToolError');
}

/** The model's arguments do not fit the tool's parameters. */
export class InvalidToolArgumentsError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/InvalidToolArgumentsError');

  constructor(readonly tool: string, problem: string) {
    super('invalid_tool_arguments', `${tool}: ${problem}`);
  }
}

/** A built-in tool plugin is enabled with a configuration it cannot run with (no root, a command that does not exist, …). */
export class BuiltinToolConfigError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/BuiltinToolConfigError');

  constructor(readonly plugin: string, problem: string, options?: ErrorOptions) {
    super('builtin_tool_config', `${plugin}: ${problem}`, options);
  }
}
