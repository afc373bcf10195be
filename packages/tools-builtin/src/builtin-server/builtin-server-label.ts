import type { JsonSchema } from '@agentport/core';

/** The request tool type the built-in tools are served under: they are the tools of an MCP server. */
export const MCP_TOOL_TYPE = 'mcp';

/** The `server_label` of the built-in server unless a plugin's `serverLabel` says otherwise. */
export const DEFAULT_BUILTIN_SERVER_LABEL = 'builtin';

/**
 * Whether calls wait for the caller's approval when a request leaves `require_approval` out:
 * `always`, as OpenAI does for MCP servers (and the MCP host by default). A request sends
 * `require_approval: "never"` to run them at once.
 */
export const DEFAULT_BUILTIN_APPROVAL: 'always' | 'never' = 'always';

/** What a label may look like (OpenAI's MCP labels are identifiers of this kind). */
export const SERVER_LABEL_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** The `serverLabel` key every built-in tool plugin's config schema has. */
export const serverLabelConfigSchema: JsonSchema = {
  type: 'string',
  pattern: SERVER_LABEL_PATTERN,
  default: DEFAULT_BUILTIN_SERVER_LABEL,
  description: 'the server_label a request names ({"type": "mcp", "server_label": …}) to get these tools; must not be a hosted MCP server\'s label',
};

/** The `defaultRequireApproval` key every built-in tool plugin's config schema has. */
export const defaultRequireApprovalConfigSchema: JsonSchema = {
  type: 'string',
  enum: ['always', 'never'],
  default: DEFAULT_BUILTIN_APPROVAL,
  description: 'require_approval when a request leaves it out: always (each call waits for an mcp_approval_response) or never',
};
