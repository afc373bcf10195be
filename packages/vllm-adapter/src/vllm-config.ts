import type { JsonSchema } from '@agentport/core';

/**
 * How the adapter treats `tool_choice: "auto"` with a `strict` tool, which vLLM constrains
 * only when the server enforces it (`--enable-auto-tool-choice`, a tool-call parser that
 * supports structural tags, `VLLM_ENFORCE_STRICT_TOOL_CALLING`):
 * - `validate` (default): the server is not known to enforce it. The request is sent, the
 *   stream starts with a `warning` (`unconstrained_auto_tool_choice`), and the arguments are
 *   validated against the schema (`invalid_tool_arguments` otherwise).
 * - `enforced`: the server enforces it; `capabilities()` says `constrained`, no warning.
 *   Arguments are still validated.
 * - `reject`: such a request fails with `unsupported_capability` before anything is sent.
 */
export type StrictAutoToolChoice = 'validate' | 'enforced' | 'reject';

export const STRICT_AUTO_TOOL_CHOICE_MODES: readonly StrictAutoToolChoice[] = ['validate', 'enforced', 'reject'];

/** The `vllm` plugin's configuration; env vars are `AGENTPORT_VLLM__<KEY>` (e.g. `AGENTPORT_VLLM__BASE_URL`). */
export interface VllmConfig {
  /** The OpenAI-compatible root, ending in `/v1`. */
  baseUrl: string;
  /**
   * More roots serving the same model (vLLM replicas). With any, each call goes to one: a new
   * conversation to the replica with the fewest calls in flight, its continuations to the replica
   * that served it (its KV cache holds the prefix); a failing replica is skipped until it answers
   * its health check.
   */
  replicaUrls: string[];
  /** How often a replica taken out for failing is asked `GET /models` until it answers. */
  replicaHealthCheckMs: number;
  /** Conversations whose replica is remembered; the least recently used are forgotten past it. */
  maxRememberedSessions: number;
  /** The served model name; when absent, the first one `GET /v1/models` lists, looked up once. */
  model?: string;
  /** Sent as `Authorization: Bearer …` (vLLM's `--api-key`). */
  apiKey?: string;
  /** Longest wait for a new TCP connection. */
  connectTimeoutMs: number;
  /** Longest a whole call may take, retries included (per call: `CallOptions.timeoutMs`). */
  requestTimeoutMs: number;
  /** Longest wait for the next bytes, the first ones included (per call: `CallOptions.idleTimeoutMs`). */
  streamIdleTimeoutMs: number;
  /** Size of the keep-alive connection pool to the endpoint. */
  maxConnections: number;
  /** Sent as `chat_template_kwargs` (e.g. `{ enable_thinking: false }`); a request's own keys win. */
  chatTemplateKwargs: Record<string, unknown>;
  strictAutoToolChoice: StrictAutoToolChoice;
  /** Retries of a retryable failure that happened before the first event reached the caller. */
  maxRetries: number;
  /** Backoff before the first retry; doubles each time (with jitter) up to `retryMaxDelayMs`. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Largest single SSE event accepted from the server, in characters. */
  maxEventBytes: number;
  /** Largest error body read from a failed response, in bytes. */
  maxErrorBodyBytes: number;
  /**
   * After `[DONE]`, how long the end of the body may take before the connection is dropped
   * instead of going back to the pool (vLLM ends it at once).
   */
  drainTimeoutMs: number;
}

export const VLLM_CONFIG_DEFAULTS: Readonly<Omit<VllmConfig, 'model' | 'apiKey'>> = Object.freeze({
  baseUrl: 'http://127.0.0.1:8000/v1',
  replicaUrls: [],
  replicaHealthCheckMs: 5_000,
  maxRememberedSessions: 100_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 600_000,
  streamIdleTimeoutMs: 60_000,
  maxConnections: 1024,
  chatTemplateKwargs: {},
  strictAutoToolChoice: 'validate',
  maxRetries: 2,
  retryInitialDelayMs: 250,
  retryMaxDelayMs: 4_000,
  maxEventBytes: 4 * 1024 * 1024,
  maxErrorBodyBytes: 64 * 1024,
  drainTimeoutMs: 1_000,
});

const positiveInteger = (fallback: number, description: string): JsonSchema => ({
  type: 'integer',
  minimum: 1,
  default: fallback,
  description,
});

/** The plugin's config schema; the kernel fills the defaults and derives the env names from the keys. */
export const vllmConfigSchema: JsonSchema = {
  type: 'object',
  description: 'The model upstream (`@agentport/vllm-adapter`): a vLLM server\'s OpenAI-compatible API, its timeouts, retries and connection pool.',
  additionalProperties: false,
  properties: {
    baseUrl: {
      type: 'string',
      pattern: '^https?://',
      default: VLLM_CONFIG_DEFAULTS.baseUrl,
      description: 'vLLM OpenAI-compatible root URL, ending in /v1',
    },
    replicaUrls: {
      type: 'array',
      items: { type: 'string', pattern: '^https?://' },
      default: [],
      description: 'more vLLM roots serving the same model: new conversations go to the replica with the fewest calls in flight, continuations to the one that served them (prefix cache), a failing one is skipped until healthy; choices in /metrics (agentport_upstream_routes_total)',
    },
    replicaHealthCheckMs: positiveInteger(VLLM_CONFIG_DEFAULTS.replicaHealthCheckMs, 'ms between GET /models checks of a replica taken out for failing; it serves again once one answers'),
    maxRememberedSessions: positiveInteger(VLLM_CONFIG_DEFAULTS.maxRememberedSessions, 'conversations whose replica is remembered for their continuations; the least recently used are forgotten (their next turn is placed by a hash of the conversation)'),
    model: { type: 'string', minLength: 1, description: 'served model name; default: the first one /v1/models lists' },
    apiKey: { type: 'string', minLength: 1, description: "vLLM's --api-key" },
    connectTimeoutMs: positiveInteger(VLLM_CONFIG_DEFAULTS.connectTimeoutMs, 'longest wait for a TCP connection, in ms; then the attempt fails'),
    requestTimeoutMs: positiveInteger(VLLM_CONFIG_DEFAULTS.requestTimeoutMs, 'longest a model call may take, in ms, retries included; then it fails with a timeout'),
    streamIdleTimeoutMs: positiveInteger(VLLM_CONFIG_DEFAULTS.streamIdleTimeoutMs, 'longest wait for the next bytes of a response (the first ones included), in ms; then the call fails'),
    maxConnections: positiveInteger(VLLM_CONFIG_DEFAULTS.maxConnections, 'keep-alive connections to the endpoint; more calls at once wait for a free one (seen in /metrics: agentport_upstream_calls_waiting, agentport_upstream_connection_wait_seconds). The default matches the gateway\'s maxConcurrentRuns, so a call never waits for a socket before vLLM\'s own scheduler sees it'),
    chatTemplateKwargs: {
      type: 'object',
      additionalProperties: true,
      default: {},
      description: 'chat_template_kwargs sent with every request, e.g. {"enable_thinking": false}',
    },
    strictAutoToolChoice: {
      type: 'string',
      enum: [...STRICT_AUTO_TOOL_CHOICE_MODES],
      default: VLLM_CONFIG_DEFAULTS.strictAutoToolChoice,
      description: 'tool_choice "auto" with strict tools: validate (warn, validate), enforced (the server constrains), reject',
    },
    maxRetries: { type: 'integer', minimum: 0, default: VLLM_CONFIG_DEFAULTS.maxRetries, description: 'retries of a retryable failure that happened before the first event reached the caller; 0: none' },
    retryInitialDelayMs: {
      type: 'integer',
      minimum: 0,
      default: VLLM_CONFIG_DEFAULTS.retryInitialDelayMs,
      description: 'ms of backoff before the first retry; doubles each time (with jitter) up to retryMaxDelayMs',
    },
    retryMaxDelayMs: {
      type: 'integer',
      minimum: 0,
      default: VLLM_CONFIG_DEFAULTS.retryMaxDelayMs,
      description: 'longest backoff between retries, in ms',
    },
    maxEventBytes: positiveInteger(VLLM_CONFIG_DEFAULTS.maxEventBytes, 'largest single SSE event accepted from the server, in characters'),
    maxErrorBodyBytes: positiveInteger(VLLM_CONFIG_DEFAULTS.maxErrorBodyBytes, 'bytes of a failed response\'s body read for its error message'),
    drainTimeoutMs: positiveInteger(VLLM_CONFIG_DEFAULTS.drainTimeoutMs, 'ms the end of a body may take after [DONE]; then the connection is dropped instead of going back to the pool'),
  },
};

/** A full config from a partial one, for code that builds the model without the kernel. */
export function resolveVllmConfig(partial: Partial<VllmConfig> = {}): VllmConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
  return { ...VLLM_CONFIG_DEFAULTS, chatTemplateKwargs: {}, replicaUrls: [], ...defined };
}
