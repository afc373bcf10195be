import type { JsonSchema } from '@agentport/core';
import {
  DEFAULT_BUILTIN_APPROVAL, DEFAULT_BUILTIN_SERVER_LABEL, defaultRequireApprovalConfigSchema, serverLabelConfigSchema,
} from '../builtin-server/builtin-server-label.js';

/** The `files` plugin's configuration (env vars `AGENTPORT_FILES__<KEY>`, e.g. `AGENTPORT_FILES__ROOT=/srv/docs`). */
export interface FilesConfig {
  /** Off until set: no tool is offered. */
  enabled: boolean;
  /** The `server_label` the tools are served under. */
  serverLabel: string;
  /** `require_approval` of a request that leaves it out: `always` (as OpenAI does) or `never`. */
  defaultRequireApproval: 'always' | 'never';
  /** The one directory the tools see (absolute); required when enabled. */
  root: string;
  /** read_file returns at most this many bytes of a file, with a note that the rest was cut. */
  maxFileBytes: number;
  /** list_directory shows at most this many entries, with a note when there were more. */
  maxEntries: number;
}

export const FILES_DEFAULTS: Readonly<FilesConfig> = Object.freeze({
  enabled: false,
  serverLabel: DEFAULT_BUILTIN_SERVER_LABEL,
  defaultRequireApproval: DEFAULT_BUILTIN_APPROVAL,
  root: '',
  maxFileBytes: 262_144,
  maxEntries: 1_000,
});

export const filesConfigSchema: JsonSchema = {
  type: 'object',
  description: 'The `read_file` and `list_directory` built-in tools (`@agentport/tools-builtin`), under one root directory; off until enabled.',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: FILES_DEFAULTS.enabled, description: 'serve read_file and list_directory' },
    serverLabel: serverLabelConfigSchema,
    defaultRequireApproval: defaultRequireApprovalConfigSchema,
    root: { type: 'string', default: FILES_DEFAULTS.root, description: 'the one directory the tools see (absolute path); required when enabled' },
    maxFileBytes: { type: 'integer', minimum: 1, maximum: 100_000_000, default: FILES_DEFAULTS.maxFileBytes, description: 'bytes of a file read_file returns; the rest is cut with a note' },
    maxEntries: { type: 'integer', minimum: 1, maximum: 1_000_000, default: FILES_DEFAULTS.maxEntries, description: 'entries list_directory shows; a note says when there were more' },
  },
};
