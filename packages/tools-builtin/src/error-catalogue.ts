import type { ErrorCatalogue } from '@agentport/core';

/**
 * A built-in tool's refusal becomes a failed tool call the model reads; a hosted tool config
 * a request gets wrong is an `InvalidToolRequestError`, which the gateway answers as a 400.
 */
export const TOOLS_BUILTIN_ERRORS = {
  builtin_tool_config: 'A built-in tool plugin is enabled with a configuration it cannot run with (BuiltinToolConfigError).',
  invalid_tool_arguments: "The model's arguments do not fit the tool's parameters (InvalidToolArgumentsError).",
  command_not_allowed: 'shell: the command is not on the allowlist, or is named by a path (CommandNotAllowedError).',
  argument_refused: 'shell: an argument names a path outside the working directory (ArgumentRefusedError).',
  command_timeout: 'shell: the command ran past its limit; its process group was killed (CommandTimeoutError).',
  command_start_failed: 'shell: the command could not be started (CommandStartError).',
  path_outside_root: 'files: the path resolves outside the files root (PathOutsideRootError).',
  file_not_found: 'files: nothing is at the path (FileNotFoundError).',
  wrong_file_kind: 'files: the path names a directory, device or pipe where a file is read, or the reverse (WrongFileKindError).',
  http_get_refused: 'http_get: the URL (or a redirect target) is refused before connecting (HttpGetRefusedError).',
  http_get_failed: 'http_get: resolution, connection, TLS or the response failed (HttpGetFailedError).',
  http_get_redirect_limit: 'http_get: more redirects than maxRedirects (HttpGetRedirectLimitError).',
  http_get_timeout: 'http_get: the whole fetch took longer than its timeout (HttpGetTimeoutError).',
  sandbox_start_failed: 'code interpreter: a worker did not get as far as running Python (SandboxStartError).',
  container_limit: 'code interpreter: every container is busy with a call (ContainerLimitError).',
  interpreter_closed: 'code interpreter: it was shut down (InterpreterClosedError).',
  mcp_server_unavailable: 'mcp: the MCP server is not connected and did not connect in time (McpServerUnavailableError).',
  mcp_host_closed: 'mcp: the MCP host was shut down (McpHostClosedError).',
  invalid_server_label: "mcp request: a 'server_label' that is malformed.",
  duplicate_server_label: "mcp request: the same 'server_label' given twice.",
  mcp_server_label_conflict: "mcp request: a 'server_url' given for a label that is a hosted (configured) server.",
  invalid_server_url: "mcp request: a 'server_url' that is not a valid http(s) URL.",
  mcp_server_url_not_allowed: "mcp request: a 'server_url' whose host is not allowed.",
  unsupported_connector: "mcp request: a 'connector_id' (connectors are not served).",
  invalid_headers: "mcp request: 'headers' that are not an object of strings.",
  invalid_allowed_tools: "mcp request: 'allowed_tools' that is not a name list or filter.",
  invalid_require_approval: "mcp request: 'require_approval' that is not \"always\", \"never\" or a filter.",
} as const satisfies ErrorCatalogue;
