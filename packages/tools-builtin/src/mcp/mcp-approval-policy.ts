import { InvalidToolRequestError } from '@agentport/core';
import type { ApprovalDefault } from './mcp-hosting-config.js';

/**
 * Which of a server's tools wait for the caller's approval: `require_approval` of the request.
 * `"always"` / `"never"`, or a filter `{always: {tool_names}, never: {tool_names}}`; a tool a
 * filter does not name follows the configured default (`always`, as OpenAI does).
 */
export type McpApprovalPolicy =
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'filter'; always: ReadonlySet<string>; never: ReadonlySet<string>; otherwise: ApprovalDefault };

export function approvalRequired(policy: McpApprovalPolicy, toolName: string): boolean {
  switch (policy.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'filter':
      if (policy.never.has(toolName)) return false;
      if (policy.always.has(toolName)) return true;
      return policy.otherwise === 'always';
  }
}

/** Reads `require_approval`; a shape it does not know is a 400 naming the server. */
export function parseApprovalPolicy(raw: unknown, fallback: ApprovalDefault, label: string): McpApprovalPolicy {
  if (raw === undefined || raw === null) return { kind: fallback };
  if (raw === 'always' || raw === 'never') return { kind: raw };
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const filter = raw as Record<string, unknown>;
    const unknown = Object.keys(filter).filter((key) => key !== 'always' && key !== 'never');
    if (unknown.length === 0) {
      const always = toolNames(filter.always, label, 'always');
      const never = toolNames(filter.never, label, 'never');
      return { kind: 'filter', always, never, otherwise: fallback };
    }
  }
  throw new InvalidToolRequestError(
    'invalid_require_approval',
    `'require_approval' of MCP server '${label}' must be "always", "never" or {"always"?: {"tool_names": […]}, "never"?: {"tool_names": […]}}.`,
    'tools',
  );
}

function toolNames(raw: unknown, label: string, key: string): ReadonlySet<string> {
  if (raw === undefined) return new Set();
  const names = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).tool_names : undefined;
  if (names === undefined) return new Set();
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new InvalidToolRequestError('invalid_require_approval', `'require_approval.${key}.tool_names' of MCP server '${label}' must be an array of strings.`, 'tools');
  }
  return new Set(names);
}
