import { configDefaults } from '@agentport/core';

/** The gateway plugin's config: section `gateway`, env `AGENTPORT_GATEWAY__<KEY>`. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** Largest request body accepted; larger is a 413. */
  bodyLimitBytes: number;
  /** A body over `bodyLimitBytes` is still read and thrown away up to this size, so the client sees the 413; larger ones get it at once, on a closed connection. */
  bodyDiscardLimitBytes: number;
  /** The longest path parameter (an id in the URL) the router accepts; longer ones answer 414. */
  maxPathParamLength: number;
  /** `key:tenant` pairs, comma separated in env; a key without a tenant is its own tenant. */
  apiKeys: string[];
  /** A JSON file `{ "<key>": "<tenant>" }` with more keys. */
  apiKeysFile: string;
  /** Keys that read usage reports (`GET /v1/organization/usage/completions`) of every tenant; they run no responses. */
  adminKeys: string[];
  /** Keep each stored response's spans and serve the trace viewer (`GET /v1/traces…`, the page at `/ui`). */
  traceViewer: boolean;
  /** ms between writes of the usage summed in memory to the store (at most this much is lost to a crash). */
  usageFlushMs: number;
  /** Tenant and model pairs with their own usage series in `/metrics`; more count under `_other`. */
  usageMetricSeries: number;
  /** Requests per minute per key (or per client address when open); 0 turns the limit off. */
  requestsPerMinute: number;
  /** Responses running at once per key; more are a 429. */
  maxConcurrentRuns: number;
  /** Responses running at once in this process over every key; more wait in the admission queue. */
  maxRunningResponses: number;
  /** Responses waiting to run, over every key; one more is a 429 `server_overloaded`. */
  admissionQueueSize: number;
  /** Responses of one key waiting to run; one more is a 429 `server_overloaded`. */
  admissionQueuePerKey: number;
  /** The longest a response waits to run; then a 429 `server_overloaded`. */
  admissionTimeoutMs: number;
  /** Event-loop delay (p99 of a window, ms) past which the process admits fewer responses and /readyz says 503; 0: never by delay. */
  overloadEventLoopLagMs: number;
  /** The window of the event-loop delay measure, in ms. */
  eventLoopWindowMs: number;
  /** How often response endings the store refused (a storage fault) are written again, in ms. */
  storeRetryMs: number;
  /** Response endings kept for another write while the store refuses them; past it the oldest is dropped. */
  maxPendingEndings: number;
  /** `/healthz` and `/readyz` also on `probePort`, answered by a thread of their own. */
  probeThread: boolean;
  /** The probe thread's port (0: a free one), on `host`. */
  probePort: number;
  /** How often the probe thread's readiness is computed, in ms. */
  probeRefreshMs: number;
  /** The gateway's event loop silent this long (ms): the probe thread's `/readyz` says 503. */
  probeReadyStaleMs: number;
  /** The gateway's event loop silent this long (ms): the probe thread's `/healthz` says 503. */
  probeLiveStaleMs: number;
  maxSteps: number;
  maxToolCalls: number;
  maxRunSeconds: number;
  /** On shutdown, how long running streams may finish before they are cancelled. */
  shutdownGraceSeconds: number;
  /** Largest WebSocket frame a client may send; a larger one closes the socket (1009). */
  wsMaxFrameBytes: number;
  /** `response.create` frames waiting behind the running one on a connection; more get an error frame (429). */
  wsMaxQueuedRequests: number;
  /** Bytes queued for a WebSocket client before its response waits for it to read. */
  wsMaxBufferedBytes: number;
  /** How long a response waits for a client over `wsMaxBufferedBytes` to catch up; then it is cancelled and the socket closed (1008). */
  wsSlowReaderGraceMs: number;
  /** Server pings every this many ms; a peer that missed the previous pong is dropped. 0 turns pings off. */
  wsPingIntervalMs: number;
  /** After a close frame, how long the peer has to answer it before the socket is destroyed. */
  wsCloseTimeoutMs: number;
  /** `store: false` responses a connection keeps for `previous_response_id`; the least recently used go first. */
  wsMaxUnstoredResponses: number;
  /** How long a WebSocket connection may last (the spec: 60 minutes); then `websocket_connection_limit_reached` and a close (1000). */
  wsMaxConnectionMs: number;
  /** In the in-response client tool loop, how long a response waits for `tool_result.submit`. */
  wsToolResultTimeoutMs: number;
  /**
   * Per model id, fields that replace the defaults of its Codex `ModelInfo` in
   * `GET /v1/models?client_version=…` (`supported_reasoning_levels`, `input_modalities`,
   * `apply_patch_tool_type`, `context_window`, …).
   */
  codexModels: Record<string, Record<string, unknown>>;
  /**
   * The AES-256-GCM key (32 bytes, as base64 or 64 hex digits) that seals reasoning into
   * `encrypted_content`. Empty: a key made at start, so sealed reasoning does not outlive the process.
   */
  reasoningEncryptionKey: string;
  /** The server label of the built-in tools (shell, http_get, files) that `/v1/mcp` serves beside the hosted MCP servers. */
  mcpBuiltinLabel: string;
  /** Items one `POST /v1/conversations` may add (OpenAI allows 20). */
  maxConversationItemsPerRequest: number;
  /** Pages of an `input_file` PDF whose text is read; a longer PDF is a 400. */
  maxInputFilePages: number;
  /** How long `/readyz` waits for the store and for the upstream before calling them not ready. */
  readinessProbeTimeoutMs: number;
  /**
   * With a store shared by several processes: how often a running background response writes its
   * new events to the event log (and signals them), so a client following it from another process
   * sees them live. Between steps otherwise.
   */
  sharedEventsFlushMs: number;
  /**
   * A background response a previous process left running (a crash, a restart): `resume` runs it
   * on from its last checkpoint (every step's items and tool results are stored as it goes; a
   * completed tool call is not run again), `end` ends it `incomplete` (`server_restarted`). On a
   * graceful shutdown `resume` leaves running background responses for the next process.
   */
  backgroundRestart: 'resume' | 'end';
  /**
   * Resumes of one background response from the same checkpoint (no step finished in between);
   * one more (a step that keeps taking the process down) ends it `incomplete` (`server_restarted`).
   */
  backgroundMaxResumes: number;
  /** How often the store is asked for background responses an instance whose lease expired left (a store several processes share). */
  backgroundTakeOverPollMs: number;
  /** A cancel for a response another process runs: how long to wait for that process to end it before ending it here. */
  remoteCancelWaitMs: number;
  /** Following a response another process runs: how often the event log is read even without a signal (a signal can be lost). */
  remoteFollowPollMs: number;
  /** How long `GET /v1/models` waits for the upstream's list before answering with the models known so far. */
  modelListTimeoutMs: number;
  /**
   * More model names, each pointing at a served one (an agent's name or the upstream's), e.g.
   * the names a client such as Codex sends; the key `*` serves every other name. Without one,
   * an unknown name is a 404 `model_not_found`.
   */
  modelAliases: Record<string, string>;
  /** The `temperature` sent upstream (and echoed in the response) when a request gives none. */
  defaultTemperature: number;
  /** The `top_p` sent upstream (and echoed in the response) when a request gives none. */
  defaultTopP: number;
  /** What the model is asked when a conversation is compacted; empty: core's `DEFAULT_COMPACTION_PROMPT`. */
  compactionPrompt: string;
  /**
   * Share of the model's context window a step's input may take before the default agent
   * compacts the conversation before it (and goes on); 0: only when the upstream refuses the
   * input as too long.
   */
  autoCompactionThreshold: number;
}

export const gatewayConfigSchema = {
  type: 'object',
  description: 'The OpenAI-compatible HTTP, SSE and WebSocket server (`@agentport/gateway`): listen address, API keys and the limits of every request.',
  additionalProperties: false,
  properties: {
    host: { type: 'string', default: '127.0.0.1', description: 'the address the server listens on; 0.0.0.0 or :: listens on every interface' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'the TCP port the server listens on; 0 takes a free one' },
    bodyLimitBytes: { type: 'integer', minimum: 1024, default: 4 * 1024 * 1024, description: 'largest request body, in bytes; a larger one answers 413' },
    bodyDiscardLimitBytes: {
      type: 'integer', minimum: 0, default: 32 * 1024 * 1024,
      description: 'A request body over bodyLimitBytes is still read to its end (and thrown away) up to this many bytes before the 413 is sent, '
        + 'so a client that is still sending sees the 413 instead of a broken connection (which SDKs retry). '
        + 'A larger body gets the 413 at once and its connection is closed.',
    },
    maxPathParamLength: {
      type: 'integer', minimum: 16, default: 100,
      description: 'The longest path parameter (an id in the URL) the router accepts, in characters; longer ones answer 414.',
    },
    apiKeys: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'accepted keys as key or key:tenant (comma-separated in the env var); a key without a tenant is its own tenant; none here or in apiKeysFile: the API is open' },
    apiKeysFile: { type: 'string', default: '', description: 'a JSON file {"<key>": "<tenant>"} with more keys, read at start; empty: none' },
    adminKeys: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'keys that read usage reports of every tenant (GET /v1/organization/usage/completions); they run no responses; none: the report is refused (403)' },
    traceViewer: {
      type: 'boolean', default: false,
      description: 'keep the spans of each stored response (model calls, tool calls) with it and serve the trace viewer: GET /v1/traces, /v1/traces/conversations and /v1/traces/{id} '
        + '(a tenant key reads its own tenant, an admin key any tenant with ?tenant=) and the page at /ui; off: none of these exist',
    },
    usageFlushMs: { type: 'integer', minimum: 100, default: 5_000, description: 'ms between writes of the usage summed in memory (per tenant, model and hour) to the store; a crash loses at most this much' },
    usageMetricSeries: { type: 'integer', minimum: 1, default: 1_000, description: 'tenant and model pairs with their own agentport_usage_* series in /metrics; more count under tenant and model "_other"' },
    requestsPerMinute: {
      type: 'integer', minimum: 0, default: 0,
      description: 'requests per minute per key (per client address when open); more answer 429 with retry-after (counted in /metrics as agentport_requests_refused_total{reason="rate_limit"}); 0 (the default) turns the limit off, '
        + 'since one GPU serves hundreds of streams from one key: a limit is the operator\'s choice',
    },
    maxConcurrentRuns: {
      type: 'integer', minimum: 1, default: 1024,
      description: 'responses running at once per key; one more answers 429 (agentport_requests_refused_total{reason="concurrent_runs"} in /metrics). The default is above what one vLLM server runs at once (256 sequences by default), so it bounds memory, not a GPU\'s load',
    },
    maxRunningResponses: {
      type: 'integer', minimum: 1, default: 4096,
      description: 'responses running at once in this process, over every key; more wait in the admission queue (agentport_admission_queued), in turns between keys',
    },
    admissionQueueSize: {
      type: 'integer', minimum: 0, default: 1024,
      description: 'responses waiting to run, over every key; one more answers 429 server_overloaded with retry-after (agentport_requests_refused_total{reason="queue_full"})',
    },
    admissionQueuePerKey: {
      type: 'integer', minimum: 0, default: 256,
      description: 'responses of one key waiting to run; one more answers 429 server_overloaded, so one key cannot fill the queue for the others',
    },
    admissionTimeoutMs: {
      type: 'integer', minimum: 1, default: 30_000,
      description: 'ms a response may wait to run; then it answers 429 server_overloaded (agentport_requests_refused_total{reason="queue_timeout"}); the wait is in agentport_admission_wait_seconds, apart from the model\'s time',
    },
    overloadEventLoopLagMs: {
      type: 'integer', minimum: 0, default: 100,
      description: 'event-loop delay (p99 over eventLoopWindowMs, in ms; agentport_event_loop_lag_seconds) past which the process is overloaded: the running limit falls to three quarters of what runs, new responses wait, and /readyz answers 503 until it recovers (the limit climbs back by a quarter per calm window). 0: admission ignores the delay',
    },
    storeRetryMs: {
      type: 'integer', minimum: 10, default: 1_000,
      description: 'ms between writes of the response endings the store refused for a storage fault (a full disk, a lock, a lost connection); a stream whose end could not be stored ends response.failed with the fault\'s code (store_full, …), and that end is written once the store takes writes again',
    },
    maxPendingEndings: {
      type: 'integer', minimum: 1, default: 1_000,
      description: 'response endings kept for another write while the store refuses them (agentport_store_pending_endings); past it the oldest is dropped and restart recovery ends it incomplete',
    },
    probeThread: {
      type: 'boolean', default: false,
      description: '/healthz and /readyz also on probePort, answered by a worker thread of their own, so a load balancer\'s probe is answered at once however busy the gateway is; the thread serves the readiness the gateway computes every probeRefreshMs, and says 503 when the gateway\'s event loop has not run for probeReadyStaleMs (/readyz) or probeLiveStaleMs (/healthz)',
    },
    probePort: { type: 'integer', minimum: 0, maximum: 65535, default: 8081, description: 'the probe thread\'s port on host (0: a free one)' },
    probeRefreshMs: { type: 'integer', minimum: 50, default: 1_000, description: 'ms between the readiness checks whose answer the probe thread serves' },
    probeReadyStaleMs: { type: 'integer', minimum: 100, default: 1_000, description: 'ms without a heartbeat from the gateway\'s event loop after which the probe thread\'s /readyz answers 503 saturated' },
    probeLiveStaleMs: { type: 'integer', minimum: 100, default: 10_000, description: 'ms without a heartbeat from the gateway\'s event loop after which the probe thread\'s /healthz answers 503 stalled' },
    eventLoopWindowMs: { type: 'integer', minimum: 50, default: 500, description: 'ms over which the event-loop delay is measured (one admission decision per window)' },
    maxSteps: { type: 'integer', minimum: 1, default: 10, description: 'model calls per response; one more needed ends the response incomplete (max_steps)' },
    maxToolCalls: { type: 'integer', minimum: 1, default: 50, description: 'server tool calls per response, unless the request asks for fewer (max_tool_calls); more end it incomplete' },
    maxRunSeconds: { type: 'integer', minimum: 1, default: 600, description: 'wall-clock time of one response, in seconds; then it ends incomplete (max_run_time)' },
    shutdownGraceSeconds: { type: 'integer', minimum: 0, default: 10, description: 'on shutdown, seconds running responses may take to finish before they are cancelled' },
    wsMaxFrameBytes: { type: 'integer', minimum: 1024, default: 16 * 1024 * 1024, description: 'largest WebSocket frame a client may send, in bytes; a larger one closes the socket (1009)' },
    wsMaxQueuedRequests: { type: 'integer', minimum: 0, default: 16, description: 'response.create frames waiting behind the running one on a connection; more get an error frame (429)' },
    wsMaxBufferedBytes: { type: 'integer', minimum: 1024, default: 8 * 1024 * 1024, description: 'bytes queued for a slow WebSocket client before its response waits for it to read' },
    wsSlowReaderGraceMs: { type: 'integer', minimum: 0, default: 10_000, description: 'how long, in ms, a response waits for a client over wsMaxBufferedBytes; then it is cancelled and the socket closed (1008)' },
    wsPingIntervalMs: { type: 'integer', minimum: 0, default: 30_000, description: 'ms between server pings; a peer that missed the previous pong is dropped; 0 turns pings off' },
    wsCloseTimeoutMs: { type: 'integer', minimum: 0, default: 5_000, description: 'ms the peer has to answer a close frame before the socket is destroyed' },
    wsMaxUnstoredResponses: { type: 'integer', minimum: 1, default: 1_000, description: 'store: false responses a connection keeps for previous_response_id; past it the least recently used are forgotten' },
    wsToolResultTimeoutMs: { type: 'integer', minimum: 1, default: 120_000, description: 'ms a response waits for tool_result.submit in the in-response client tool loop; then it ends with the calls for the client, as over HTTP' },
    wsMaxConnectionMs: {
      type: 'integer', minimum: 1, maximum: 2_147_483_647, default: 3_600_000,
      description: 'How long a WebSocket connection may last, in ms (the spec: 60 minutes). The running response finishes, then the client gets a websocket_connection_limit_reached error frame and a normal close (1000); it reconnects to go on.',
    },
    codexModels: { type: 'object', additionalProperties: { type: 'object' }, default: {}, description: 'per model id, fields that replace the defaults of its Codex ModelInfo in GET /v1/models?client_version=… (context_window, supported_reasoning_levels, …)' },
    reasoningEncryptionKey: { type: 'string', default: '', description: 'AES-256-GCM key (32 bytes as base64 or 64 hex digits) that seals reasoning into encrypted_content; empty: a key made at start, so sealed reasoning does not outlive the process' },
    mcpBuiltinLabel: { type: 'string', minLength: 1, default: 'builtin', description: 'the server label /v1/mcp serves the built-in tools (shell, http_get, files) under, beside the hosted MCP servers' },
    maxConversationItemsPerRequest: { type: 'integer', minimum: 1, default: 20, description: 'items one request may add to a conversation (OpenAI allows 20); more answer 400' },
    maxInputFilePages: {
      type: 'integer', minimum: 1, default: 200,
      description: 'pages of an input_file PDF whose text is read (the whole body is bounded by bodyLimitBytes); a longer PDF answers 400',
    },
    readinessProbeTimeoutMs: { type: 'integer', minimum: 1, default: 2_000, description: 'ms /readyz waits for the store and for the upstream before calling them not ready' },
    sharedEventsFlushMs: { type: 'integer', minimum: 10, default: 200, description: 'with a store several processes share: ms between writes of a running background response\'s new events, so followers on other processes see them live' },
    backgroundRestart: {
      type: 'string', enum: ['resume', 'end'], default: 'resume',
      description: 'a background response a previous process left running: resume runs it on from its last completed step (no completed tool call runs twice; a graceful shutdown leaves running ones for the next process), end ends it incomplete (server_restarted)',
    },
    backgroundMaxResumes: {
      type: 'integer', minimum: 0, default: 3,
      description: 'resumes of one background response from the same checkpoint (no step finished in between); once more (a step that keeps taking its process down) ends it incomplete (server_restarted)',
    },
    backgroundTakeOverPollMs: {
      type: 'integer', minimum: 10, default: 1_000,
      description: 'ms between asks to the store for background responses a dead instance left (its lease expired), which this process then resumes or ends as backgroundRestart says',
    },
    remoteCancelWaitMs: { type: 'integer', minimum: 0, default: 5_000, description: 'ms a cancel waits for the process that runs the response to end it; then (its process gone) it is marked cancelled here' },
    remoteFollowPollMs: { type: 'integer', minimum: 10, default: 1_000, description: 'ms between reads of the event log while following a response another process runs, even without a signal' },
    modelListTimeoutMs: { type: 'integer', minimum: 1, default: 5_000, description: 'ms GET /v1/models waits for the upstream\'s list; then it answers with the models known so far' },
    modelAliases: {
      type: 'object', additionalProperties: { type: 'string', minLength: 1 }, default: {},
      description: 'Extra model names, each pointing at a served model (an agent or the upstream model), e.g. {"gpt-5-codex": "Qwen/Qwen3-8B"}; the key "*" serves every other name (an explicit catch-all). Otherwise an unknown model is a 404 model_not_found. JSON in env.',
    },
    defaultTemperature: {
      type: 'number', minimum: 0, maximum: 2, default: 1,
      description: "The temperature sent upstream when a request gives none, and echoed in its response (OpenAI's default: 1; set the model's recommended value, e.g. 0.6 for Qwen3 thinking).",
    },
    defaultTopP: {
      type: 'number', minimum: 0, maximum: 1, default: 1,
      description: "The top_p sent upstream when a request gives none, and echoed in its response (OpenAI's default: 1).",
    },
    compactionPrompt: {
      type: 'string', default: '',
      description: 'What the model is asked when a conversation is compacted (POST /v1/responses/compact and automatic compaction); empty: the built-in prompt (summarise goals, decisions, facts, results, what remains)',
    },
    autoCompactionThreshold: {
      type: 'number', minimum: 0, maximum: 1, default: 0.8,
      description: "Share of the upstream model's context window (max_model_len) a step's input may take; past it, the default agent compacts the conversation so far into a compaction item and goes on. A step the upstream refuses as too long is compacted and retried once whatever this is; 0: only then",
    },
  },
} as const;

/** Every key's default, read from the schema (the one place defaults are written). */
export const DEFAULT_GATEWAY_CONFIG: Readonly<GatewayConfig> = Object.freeze(configDefaults<GatewayConfig>(gatewayConfigSchema));

// The schema and the interface name the same keys; a key added to one only does not compile.
type SchemaKeys = keyof typeof gatewayConfigSchema.properties;
const sameKeys: [SchemaKeys, keyof GatewayConfig] extends [keyof GatewayConfig, SchemaKeys] ? true : never = true;
void sameKeys;
