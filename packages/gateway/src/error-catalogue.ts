/** An API error code: the HTTP status(es) it is sent with, and what it means. */
export interface ApiErrorCodeInfo {
  readonly status: readonly number[];
  readonly description: string;
}

/**
 * The codes the gateway puts in `{"error":{"code"}}` (and `DeadlineExceededError`, which stays
 * inside). Codes from elsewhere pass through as they are: a plugin's `InvalidToolRequestError`
 * as a 400 (`CORE_ERRORS`, `TOOLS_BUILTIN_ERRORS`), a failed model call as a 502 `server_error`,
 * or 504 for `timeout`, with the model's code (`transport`, `provider_error`, … of
 * `MODEL_ERRORS`), fastify's own 4xx as its `FST_ERR_*` code. Every error's `type` is one of
 * OpenAI's: `invalid_request_error`, `authentication_error`, `permission_error`,
 * `not_found_error`, `rate_limit_error`, `server_error`.
 */
export const GATEWAY_ERRORS = {
  invalid_request: { status: [400], description: 'The request is malformed; `param` names the field.' },
  missing_required_parameter: { status: [400], description: 'A required field is missing; `param` names it.' },
  invalid_type: { status: [400], description: 'A field has the wrong type; `param` names it.' },
  invalid_url: { status: [400], description: 'The request URL is not valid: a path parameter is not valid percent-encoding.' },
  bad_request: { status: [400], description: 'The bytes received are not valid HTTP (answered by the HTTP parser, before any route).' },
  invalid_json: { status: [400], description: 'The body (or WebSocket frame) is not valid JSON.' },
  model_not_found: {
    status: [404],
    description: 'No served model has that name (a request, or /v1/models/{id}); the message lists the served models. More names: `modelAliases` (`*` serves any).',
  },
  context_length_exceeded: {
    status: [400],
    description: "The input (with the room asked for the answer) does not fit the model's context window; `param` is `input`. In a stream: the `response.failed` error.",
  },
  previous_response_not_found: { status: [400], description: "'previous_response_id' (or an earlier turn of it) is not stored for this tenant." },
  unsupported_file_type: { status: [400], description: "An `input_file` of a type the gateway does not read (text-like files and PDFs are read); `param` names the part, the message its media type." },
  invalid_file: { status: [400], description: 'An `input_file` PDF that pdf.js cannot read (damaged, encrypted); `param` names the part.' },
  not_background: { status: [400], description: 'Only a background response can be cancelled.' },
  input_tokens_unsupported: {
    status: [400],
    description: "POST /v1/responses/input_tokens for a model whose agent cannot count tokens (a custom agent without `countInputTokens`). An upstream without vLLM's /tokenize is a 502 `unsupported_capability`.",
  },
  compaction_unsupported: { status: [400], description: 'POST /v1/responses/compact for a model whose agent cannot compact (a custom agent without `compact`).' },
  invalid_encrypted_content: {
    status: [400],
    description: "A `compaction` input item whose `encrypted_content` this gateway did not seal, was changed, or was sealed with another key; `param` is `input[i].encrypted_content`.",
  },
  unknown_frame_type: { status: [400], description: 'WebSocket: a frame whose type the gateway does not know.' },
  binary_frame_not_supported: { status: [400], description: 'WebSocket: a binary frame; send JSON text frames.' },
  tool_call_not_found: {
    status: [400],
    description: 'A `function_call_output` (or `custom_tool_call_output`) answers no call of the history or the input; WebSocket: no client tool call with that call_id is waiting for a result.',
  },
  websocket_connection_limit_reached: {
    status: [400],
    description: 'WebSocket: the connection reached `wsMaxConnectionMs` (60 minutes by default); it closes (1000) after its running response. Open a new one.',
  },
  tool_result_already_submitted: { status: [400], description: 'WebSocket: the result of that tool call was already submitted.' },
  invalid_api_key: { status: [401], description: 'The API key is missing or not accepted.' },
  response_not_found: { status: [404], description: 'No response with that id for this tenant.' },
  conversation_not_found: { status: [404], description: 'No conversation with that id for this tenant.' },
  item_not_found: {
    status: [400, 404],
    description: "404: no item with that id in the conversation. 400: an input's `item_reference` names no stored item of this tenant (`param` `input[i].id`).",
  },
  mcp_server_not_found: { status: [404], description: 'No hosted MCP server with that label.' },
  mcp_not_enabled: { status: [404], description: 'No MCP host is composed into this gateway, or (POST /v1/mcp) it has nothing to serve: no hosted server, no built-in tool enabled.' },
  mcp_endpoint_disabled: { status: [404], description: 'The MCP endpoint for MCP clients is turned off.' },
  not_found: { status: [404], description: 'Unknown route (HTTP or WebSocket).' },
  method_not_allowed: { status: [405], description: 'The probe port (`probeThread`) answers only GET /healthz and GET /readyz.' },
  request_timeout: { status: [408], description: 'The request was not received within the server\'s request timeout.' },
  request_too_large: { status: [413], description: 'The body is larger than the configured body limit.' },
  uri_too_long: { status: [414], description: 'A path parameter is longer than `maxPathParamLength`.' },
  unsupported_media_type: { status: [415], description: 'The body is not application/json.' },
  request_header_fields_too_large: { status: [431], description: 'The request line and headers are larger than the server accepts (16 kB by default).' },
  rate_limit_exceeded: { status: [429], description: "Too many requests or running responses for this key; see 'retry-after'." },
  server_overloaded: {
    status: [429],
    description: "The server is busy: the admission queue (`admissionQueueSize`, `admissionQueuePerKey`) is full or the response waited `admissionTimeoutMs` to run; see 'retry-after'.",
  },
  queue_full: { status: [429], description: 'WebSocket: too many requests queued behind the running one on the connection.' },
  server_error: { status: [500], description: 'An unexpected failure; details are logged, not sent.' },
  server_shutting_down: { status: [503], description: 'The gateway is stopping.' },
  deadline_exceeded: { status: [], description: 'Internal (DeadlineExceededError): a probe or listing did not settle in time; the route answers with its own status.' },
} as const satisfies Readonly<Record<string, ApiErrorCodeInfo>>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
