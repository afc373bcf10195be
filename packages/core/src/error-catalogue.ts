import type { ModelErrorCode } from './model/model-error.js';

/**
 * A package's error codes, each declared once with what it means: the package's README table
 * lists exactly these (a test in `@agentport/cli` checks it), so a code cannot go undocumented.
 */
export type ErrorCatalogue = Readonly<Record<string, string>>;

/** The codes of `ModelError`; typed against `ModelErrorCode` so neither can grow without the other. */
export const MODEL_ERRORS = {
  timeout: 'The model did not answer in time.',
  transport: 'The connection to the model server failed or broke off.',
  invalid_chunk: 'The model server sent a stream chunk that does not parse.',
  invalid_tool_arguments: "A tool call's arguments are not valid JSON for its parameters.",
  invalid_structured_output: 'The output does not fit the requested JSON schema.',
  provider_error: 'The model server failed (a 5xx, or an error inside the adapter).',
  context_length_exceeded: "The request is longer than the model's context window.",
  model_not_found: 'The model server does not serve the requested model.',
  rate_limited: 'The model server refused the call for now (429).',
  bad_request: 'The model server refused the request as malformed.',
  refusal: 'The model refused to answer.',
  unsupported_capability: 'The request asks for something the model does not support.',
  cancelled: "The call was aborted through its signal.",
} as const satisfies Record<ModelErrorCode, string>;

export const CORE_ERRORS = {
  invalid_config: 'Configuration that does not fit a schema (ConfigError); each problem names its env var.',
  missing_port: 'A port has no implementation at start (MissingPortError, MissingPortsError).',
  plugin_error: 'A plugin is named twice, or fails to register or start (PluginError).',
  app_stopped: 'An app that was stopped is started again.',
  tool_timeout: 'A server tool ran past its time limit (ToolTimeoutError).',
  tool_not_allowed: 'A tool is called that is disabled or not on the allowlist (ToolNotAllowedError).',
  unknown_hosted_tool: 'A request names a hosted tool type that no provider serves (InvalidToolRequestError).',
  duplicate_tool_name: 'Two tools of one request share a name (InvalidToolRequestError).',
  response_not_found: 'No response with that id for this tenant (NotFoundError).',
  conversation_not_found: 'No conversation with that id for this tenant (NotFoundError).',
  item_not_found: 'No item with that id for this tenant (NotFoundError).',
  conflict: 'A state change conflicts with what is stored (ConflictError).',
  store_full: 'The store has no room to write: a full disk or quota (StoreFaultError); nothing of the operation was stored.',
  store_read_only: 'The database takes no writes (StoreFaultError); nothing of the operation was stored.',
  store_locked: "Another holder of the database kept it locked past the store's wait (StoreFaultError).",
  store_unreachable: 'The connection to the database failed or was lost (StoreFaultError).',
  store_io_error: 'The storage failed to read or write (StoreFaultError).',
  store_unavailable: 'The store is not open: before the app started, or after it stopped (StoreFaultError).',
  invalid_metric_name: 'A plugin registers a metric whose name Prometheus does not accept.',
  metric_already_registered: 'Two parts of one app register a metric under the same name.',
  ...MODEL_ERRORS,
} as const satisfies ErrorCatalogue;

export type CoreErrorCode = keyof typeof CORE_ERRORS;
