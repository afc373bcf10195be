import type { JsonSchema } from '@agentport/core';
import {
  DEFAULT_BUILTIN_APPROVAL, DEFAULT_BUILTIN_SERVER_LABEL, defaultRequireApprovalConfigSchema, serverLabelConfigSchema,
} from '../builtin-server/builtin-server-label.js';

/** `auto`: bwrap when it is installed and works, else none (with a warning); `bwrap`: bwrap or refuse to start; `none`: never. */
export type ShellSandboxMode = 'auto' | 'bwrap' | 'none';

/** The `shell` plugin's configuration (env vars `AGENTPORT_SHELL__<KEY>`, e.g. `AGENTPORT_SHELL__COMMANDS=ls,cat,grep`). */
export interface ShellConfig {
  /** Off until set: no tool is offered. */
  enabled: boolean;
  /** The `server_label` the tool is served under. */
  serverLabel: string;
  /** `require_approval` of a request that leaves it out: `always` (as OpenAI does) or `never`. */
  defaultRequireApproval: 'always' | 'never';
  /** Executable names the model may run, looked up on `searchPath` once, at start. */
  commands: string[];
  /** The directory commands run in and whose paths they may name (absolute); required when enabled. */
  workingDirectory: string;
  /** Where command names are looked up, and the `PATH` commands see. */
  searchPath: string;
  sandbox: ShellSandboxMode;
  /** Wall-clock limit of one command; then its whole process group is killed. */
  timeoutMs: number;
  /** Bytes of stdout and stderr together kept; past it the command is stopped and the output cut. */
  maxOutputBytes: number;
}

export const SHELL_DEFAULTS: Readonly<ShellConfig> = Object.freeze({
  enabled: false,
  serverLabel: DEFAULT_BUILTIN_SERVER_LABEL,
  defaultRequireApproval: DEFAULT_BUILTIN_APPROVAL,
  commands: [],
  workingDirectory: '',
  searchPath: '/usr/local/bin:/usr/bin:/bin',
  sandbox: 'auto',
  timeoutMs: 10_000,
  maxOutputBytes: 65_536,
});

export const shellConfigSchema: JsonSchema = {
  type: 'object',
  description: 'The `shell` built-in tool (`@agentport/tools-builtin`): runs allowlisted commands, without a shell, in one directory; off until enabled.',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: SHELL_DEFAULTS.enabled, description: 'serve the shell tool' },
    serverLabel: serverLabelConfigSchema,
    defaultRequireApproval: defaultRequireApprovalConfigSchema,
    commands: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z0-9._+-]+$' },
      default: [...SHELL_DEFAULTS.commands],
      description: 'executable names the model may run (comma-separated in the env var), looked up on searchPath at start',
    },
    workingDirectory: { type: 'string', default: SHELL_DEFAULTS.workingDirectory, description: 'the directory commands run in (absolute); required when enabled' },
    searchPath: { type: 'string', minLength: 1, default: SHELL_DEFAULTS.searchPath, description: 'where command names are looked up; also the PATH commands see' },
    sandbox: { type: 'string', enum: ['auto', 'bwrap', 'none'], default: SHELL_DEFAULTS.sandbox, description: 'auto: bubblewrap when installed, else none; bwrap: required; none: never' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: SHELL_DEFAULTS.timeoutMs, description: 'wall-clock limit of one command, in ms; then its whole process group is killed' },
    maxOutputBytes: { type: 'integer', minimum: 1_024, maximum: 100_000_000, default: SHELL_DEFAULTS.maxOutputBytes, description: 'bytes of stdout and stderr together kept; past it the command is stopped and the output cut' },
  },
};
