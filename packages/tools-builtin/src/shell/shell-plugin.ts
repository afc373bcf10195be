import { TOKENS, type Logger, type Plugin } from '@agentport/core';
import type { BuiltinTool } from '../builtin-server/builtin-tool.js';
import type { ApprovalDefault } from '../mcp/mcp-hosting-config.js';
import { BuiltinToolProvider } from '../builtin-server/builtin-tool-provider.js';
import { CommandAllowlist } from './command-allowlist.js';
import { shellConfigSchema, type ShellConfig } from './shell-config.js';
import { chooseShellSandbox, type ShellSandbox } from './shell-sandbox.js';
import { shellTool } from './shell-tool.js';
import { WorkingDirectory } from './working-directory.js';

/** The provider's name among tool providers, and the plugin's config section (`AGENTPORT_SHELL__…`). */
export const SHELL_PLUGIN_NAME = 'shell';

/** The shell tool's provider, which also tells which sandbox it chose. */
export class ShellToolProvider extends BuiltinToolProvider {
  constructor(serverLabel: string, tool: BuiltinTool, readonly sandbox: ShellSandbox, defaultApproval: ApprovalDefault) {
    super(SHELL_PLUGIN_NAME, serverLabel, [tool], defaultApproval);
  }
}

/**
 * Builds the shell tool: looks the allowed commands up on the search path, opens the working
 * directory and picks the sandbox, once. Throws a `BuiltinToolConfigError` for a command that
 * is not found or may not be allowed, a missing working directory, or `sandbox: bwrap`
 * without a working bwrap.
 */
export async function shellToolProvider(config: Omit<ShellConfig, 'enabled'>, logger?: Logger): Promise<ShellToolProvider> {
  const workingDirectory = await WorkingDirectory.open(config.workingDirectory);
  const allowlist = await CommandAllowlist.resolve(config.commands, config.searchPath);
  const sandbox = await chooseShellSandbox(config.sandbox, config.searchPath, workingDirectory.path);
  if (sandbox.kind === 'none' && config.sandbox === 'auto') {
    logger?.warn(`shell commands run WITHOUT a sandbox: ${sandbox.reason}. They run as this process's user, confined only by the allowlist and the argument checks.`);
  }
  const tool = shellTool({ ...config, allowlist, workingDirectory, sandbox });
  return new ShellToolProvider(config.serverLabel, tool, sandbox, config.defaultRequireApproval);
}

/**
 * Serves the `shell` tool (allowlisted commands, no shell, a fixed working directory, bwrap
 * when installed) as a tool of the built-in MCP server. Off until `enabled` is set
 * (`AGENTPORT_SHELL__ENABLED=true`, with `AGENTPORT_SHELL__COMMANDS` and
 * `AGENTPORT_SHELL__WORKING_DIRECTORY`); until then it binds nothing.
 */
export function shell(): Plugin<ShellConfig> {
  return {
    name: SHELL_PLUGIN_NAME,
    configSchema: shellConfigSchema,
    async register(ctx) {
      const { enabled, ...config } = ctx.config;
      if (!enabled) return;
      const provider = await shellToolProvider(config, ctx.logger);
      ctx.bind(TOKENS.ToolProvider, provider);
      ctx.logger.info({ serverLabel: config.serverLabel, commands: config.commands, sandbox: provider.sandbox.kind }, 'shell tool enabled');
    },
  };
}
