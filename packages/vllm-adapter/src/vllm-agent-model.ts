import { randomUUID } from 'node:crypto';
import {
  AGENT_MODEL_SPEC_VERSION,
  type CallOptions,
  collectModelResponse,
  type ConstraintSupport,
  type IAgentModel,
  JsonSchemaValidator,
  type Logger,
  type MetricRegistry,
  type ModelCapabilities,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamEvent,
  silentLogger,
} from '@agentport/core';
import { CallScope } from './call-scope.js';
import { chatBodyReader } from './chat-body-reader.js';
import { ConnectionPoolMetrics, type ConnectionPoolState } from './connection-pool-metrics.js';
import { type Replica, ReplicaRouter } from './replica-router.js';
import { mapChatCompletionRequest, preflightRequest } from './request-mapper.js';
import { RetryPolicy } from './retry-policy.js';
import { ChatStreamDecoder } from './stream-decoder.js';
import { resolveVllmConfig, type StrictAutoToolChoice, type VllmConfig } from './vllm-config.js';
import { VllmHttpClient } from './vllm-http-client.js';
import { parseModelList, type VllmModelInfo, type VllmReadiness } from './vllm-model-info.js';

export interface VllmAgentModelOptions extends Partial<VllmConfig> {
  /**
   * A client to share with other models of the same endpoint (same `baseUrl`); the model
   * then leaves closing it to its owner. By default the model makes and owns one.
   */
  client?: VllmHttpClient;
  logger?: Logger;
  /** One validator compiles each schema once; share it across models if you have many. */
  validator?: JsonSchemaValidator;
  /** Where the connection pool's metrics go (the app's registry); only for a client the model owns. */
  metrics?: MetricRegistry;
}

const AUTO_TOOL_CHOICE_SUPPORT: Record<StrictAutoToolChoice, ConstraintSupport> = {
  validate: 'validated',
  enforced: 'constrained',
  reject: 'unsupported',
};

/** The pooled client of an endpoint, built from the model's config. */
export function createVllmHttpClient(config: VllmConfig, onConnectionWait?: (seconds: number) => void): VllmHttpClient {
  return new VllmHttpClient({
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    connectTimeoutMs: config.connectTimeoutMs,
    maxConnections: config.maxConnections,
    maxErrorBodyBytes: config.maxErrorBodyBytes,
    maxJsonBodyBytes: config.maxEventBytes,
    drainTimeoutMs: config.drainTimeoutMs,
    ...(onConnectionWait ? { onConnectionWait } : {}),
  });
}

/**
 * `IAgentModel` over vLLM's `/v1/chat/completions`. `stream()` maps the request (PROTOCOL.md
 * section 4), reads the SSE answer into `ModelStreamEvent`s and validates tool arguments and
 * structured output; `complete()` is the same stream collected.
 */
export class VllmAgentModel implements IAgentModel {
  readonly specificationVersion = AGENT_MODEL_SPEC_VERSION;
  readonly config: Readonly<VllmConfig>;
  /** The client of `baseUrl`. */
  readonly client: VllmHttpClient;
  /** Which replica (`baseUrl`, then `replicaUrls`) each call goes to. */
  readonly router: ReplicaRouter;
  private readonly ownsClient: boolean;
  /** The clients of `replicaUrls`, always this model's own. */
  private readonly replicaClients: VllmHttpClient[];
  private readonly logger: Logger;
  private readonly validator: JsonSchemaValidator;
  private readonly retryPolicy: RetryPolicy;
  private modelName: string | undefined;
  private discovery: Promise<string> | undefined;

  constructor(options: VllmAgentModelOptions = {}) {
    const { client, logger, validator, metrics, ...config } = options;
    this.config = resolveVllmConfig(config);
    const pool = metrics && !client ? new ConnectionPoolMetrics(metrics) : undefined;
    const onWait = pool && ((seconds: number) => pool.observeWait(seconds));
    this.client = client ?? createVllmHttpClient(this.config, onWait);
    this.replicaClients = this.config.replicaUrls.map((baseUrl) => createVllmHttpClient({ ...this.config, baseUrl }, onWait));
    const clients = [this.client, ...this.replicaClients];
    pool?.watch({ poolState: () => sumPoolStates(clients.map((each) => each.poolState())) });
    this.ownsClient = client === undefined;
    this.logger = logger ?? silentLogger;
    this.router = new ReplicaRouter(clients, {
      healthCheckMs: this.config.replicaHealthCheckMs,
      maxRememberedSessions: this.config.maxRememberedSessions,
      probe: (replica) => this.answers(replica),
      logger: this.logger,
      ...(metrics ? { metrics } : {}),
    });
    this.validator = validator ?? new JsonSchemaValidator();
    this.retryPolicy = new RetryPolicy({
      maxRetries: this.config.maxRetries,
      initialDelayMs: this.config.retryInitialDelayMs,
      maxDelayMs: this.config.retryMaxDelayMs,
    });
    this.modelName = this.config.model;
  }

  /** `vllm:<model>`; `vllm:default` until the first model of `/v1/models` was looked up. */
  get id(): string {
    return `vllm:${this.modelName ?? 'default'}`;
  }

  capabilities(): ModelCapabilities {
    return {
      tools: true,
      toolChoice: {
        auto: AUTO_TOOL_CHOICE_SUPPORT[this.config.strictAutoToolChoice],
        required: 'constrained',
        named: 'constrained',
      },
      structuredOutput: 'constrained',
      reasoning: true,
      parallelToolCalls: true,
    };
  }

  stream(request: ModelRequest, options: CallOptions = {}): AsyncIterable<ModelStreamEvent> {
    return this.run(request, options);
  }

  /** The stream collected: `stream: true` on the wire, so both share every mapping and check. */
  complete(request: ModelRequest, options: CallOptions = {}): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request, options));
  }

  /**
   * vLLM's own count (`POST /tokenize` beside `/v1`): the same messages, tools and
   * `chat_template_kwargs` as the chat request for `request`, through the model's chat template,
   * with the generation prompt the chat call adds.
   */
  async countInputTokens(request: ModelRequest, options: CallOptions = {}): Promise<number> {
    const scope = new CallScope(options.signal, options.timeoutMs ?? this.config.requestTimeoutMs);
    try {
      const model = await this.resolveModelName(scope.signal);
      const chat = mapChatCompletionRequest(request, { model, chatTemplateKwargs: this.config.chatTemplateKwargs });
      const body = JSON.stringify({
        model, messages: chat.messages, add_generation_prompt: true,
        ...(chat.tools ? { tools: chat.tools } : {}),
        ...(chat.chat_template_kwargs ? { chat_template_kwargs: chat.chat_template_kwargs } : {}),
      });
      const { replica } = this.router.route(options.session);
      const answer = await replica.client.postJson('/tokenize', body, {
        signal: scope.signal, idleTimeoutMs: options.idleTimeoutMs ?? this.config.streamIdleTimeoutMs, fromServerRoot: true,
      }).catch((error: unknown) => {
        // The model was found a moment ago: a 404 here is a server without the route, not a missing model.
        if (ModelError.is(error) && error.status === 404) {
          throw new ModelError('unsupported_capability', `vLLM at ${replica.client.baseUrl} cannot count tokens: POST /tokenize answered 404`, {
            status: 404, ...(error.providerMessage === undefined ? {} : { providerMessage: error.providerMessage }),
          });
        }
        throw error;
      });
      const count = (answer as { count?: unknown } | null)?.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw new ModelError('invalid_chunk', `vLLM's answer to POST /tokenize has no token count: ${JSON.stringify(answer).slice(0, 200)}`);
      }
      return count;
    } catch (error) {
      throw scope.stopReason ?? (ModelError.is(error) ? error : unexpectedFailure(error));
    } finally {
      scope.dispose();
    }
  }

  /** The models the server (at `baseUrl`) lists, with their context length. */
  async listModels(options: { signal?: AbortSignal; client?: VllmHttpClient } = {}): Promise<VllmModelInfo[]> {
    const scope = new CallScope(options.signal, this.config.requestTimeoutMs);
    try {
      const body = await (options.client ?? this.client).getJson('/models', { signal: scope.signal, idleTimeoutMs: this.config.streamIdleTimeoutMs });
      return parseModelList(body);
    } finally {
      scope.dispose();
    }
  }

  /** Whether the server answers and serves the model this adapter uses; never throws. */
  async ready(options: { signal?: AbortSignal } = {}): Promise<VllmReadiness> {
    let models: VllmModelInfo[];
    try {
      models = await this.listModels(options);
    } catch (error) {
      const failure = ModelError.is(error) ? error : unexpectedFailure(error);
      return { ready: false, reason: failure.message, error: failure };
    }
    const wanted = this.config.model ?? models[0]?.id;
    if (wanted === undefined) return { ready: false, reason: `vLLM at ${this.client.baseUrl} lists no models` };
    if (!models.some((model) => model.id === wanted)) {
      return {
        ready: false,
        reason: `vLLM at ${this.client.baseUrl} does not serve "${wanted}"; it serves: ${models.map((model) => model.id).join(', ')}`,
      };
    }
    this.modelName ??= wanted;
    return { ready: true, model: wanted, models };
  }

  /** The model name sent to vLLM: the configured one, or the first listed, looked up once. */
  async resolveModelName(signal?: AbortSignal): Promise<string> {
    if (this.modelName !== undefined) return this.modelName;
    // One lookup shared by concurrent calls, with its own time limit: one caller's abort must not fail the others.
    this.discovery ??= this.listModels().then(
      (models) => {
        const first = models[0];
        if (!first) throw new ModelError('model_not_found', `vLLM at ${this.client.baseUrl} lists no models`);
        this.modelName = first.id;
        return first.id;
      },
      (error: unknown) => {
        this.discovery = undefined;
        throw error;
      },
    );
    return signal ? raceWithAbort(this.discovery, signal) : this.discovery;
  }

  /** Closes the pooled connections (of `baseUrl` when the model owns its client) and stops health checks. */
  close(): void {
    this.router.close();
    if (this.ownsClient) this.client.close();
    for (const replica of this.replicaClients) replica.close();
  }

  /** A replica's health check: it lists models within the connect timeout. */
  private async answers(replica: Replica): Promise<boolean> {
    try {
      await this.listModels({ client: replica.client, signal: AbortSignal.timeout(this.config.connectTimeoutMs) });
      return true;
    } catch {
      return false;
    }
  }

  private async *run(request: ModelRequest, options: CallOptions): AsyncGenerator<ModelStreamEvent> {
    const scope = new CallScope(options.signal, options.timeoutMs ?? this.config.requestTimeoutMs);
    const idleTimeoutMs = options.idleTimeoutMs ?? this.config.streamIdleTimeoutMs;
    const { signal } = scope;
    try {
      const stopped = scope.stopReason;
      if (stopped) {
        yield { type: 'error', error: stopped };
        return;
      }
      const preflight = preflightRequest(request, this.config.strictAutoToolChoice);
      if (!preflight.ok) {
        yield { type: 'error', error: preflight.error };
        return;
      }
      for (const warning of preflight.warnings) yield { type: 'warning', warning };

      let body: string | undefined;
      let failed: Replica | undefined;
      for (let attempt = 1; ; attempt += 1) {
        // Once the caller has seen part of the answer, a retry would show it twice.
        let delivered = false;
        let finished = false;
        let failure: ModelError | undefined;
        let released: Promise<void> | undefined;
        // A retry goes to another replica than the one that just failed, when there is one.
        const { replica } = this.router.route(options.session, failed);
        replica.inFlight += 1;
        try {
          body ??= await this.chatBody(request, signal);
          const response = await replica.client.postStream('/chat/completions', body, {
            signal, idleTimeoutMs, ...(options.headers ? { headers: options.headers } : {}),
          });
          const reader = chatBodyReader(response.mediaType, this.decoderFor(request), this.config.maxEventBytes);
          attempt: {
            let last: readonly ModelStreamEvent[] | undefined;
            for await (const text of response.body) {
              const events = reader.read(text);
              if (reader.finished) {
                // vLLM ends the body right after [DONE]: read to its end on leaving the loop, so the
                // connection is back in the pool before the caller makes its next call.
                if (events.at(-1)?.type === 'finish') released = response.release();
                last = events;
                break;
              }
              // Not finished: no terminal event among these.
              for (const event of events) {
                delivered = true;
                yield event;
                // An abort while the caller held the event: nothing more goes out.
                if (signal.aborted) break attempt;
              }
            }
            if (released) await released;
            for (const event of last ?? reader.end()) {
              if (event.type === 'error') {
                failure = event.error;
                break attempt;
              }
              delivered = true;
              yield event;
              if (event.type === 'finish') {
                finished = true;
                break attempt;
              }
              if (signal.aborted) break attempt;
            }
          }
        } catch (error) {
          // The client turns every network failure into a ModelError; anything else is a bug, not worth a retry.
          failure = ModelError.is(error) ? error : unexpectedFailure(error);
        } finally {
          replica.inFlight -= 1;
        }
        if (finished) return;
        failure = scope.stopReason ?? failure ?? new ModelError('invalid_chunk', 'vLLM stream ended without a terminal event');
        if (scope.stopReason === undefined && saysReplicaIsUnwell(failure)) {
          this.router.markFailing(replica);
          failed = replica;
        }
        if (!this.retryPolicy.shouldRetry(failure, attempt, delivered)) {
          yield { type: 'error', error: failure };
          return;
        }
        this.logger.warn({ attempt, code: failure.code, error: failure.message }, 'vLLM call failed before its first event; retrying');
        try {
          await this.retryPolicy.wait(attempt, signal);
        } catch {
          yield { type: 'error', error: scope.stopReason ?? failure };
          return;
        }
      }
    } finally {
      scope.dispose();
    }
  }

  /** The JSON body for the request, once the model name is known. */
  private async chatBody(request: ModelRequest, signal: AbortSignal): Promise<string> {
    const model = await this.resolveModelName(signal);
    return JSON.stringify(mapChatCompletionRequest(request, { model, chatTemplateKwargs: this.config.chatTemplateKwargs }));
  }

  private decoderFor(request: ModelRequest): ChatStreamDecoder {
    return new ChatStreamDecoder({
      tools: request.tools ?? [],
      output: request.output,
      validator: this.validator,
      newToolCallId: () => `call_${randomUUID().replaceAll('-', '')}`,
    });
  }
}

/** A failure that is the replica's, not the request's: it cannot be reached, or it answered 5xx. */
function saysReplicaIsUnwell(error: ModelError): boolean {
  return error.code === 'transport' || (error.code === 'provider_error' && (error.status === undefined || error.status >= 500));
}

function sumPoolStates(states: readonly ConnectionPoolState[]): ConnectionPoolState {
  return states.reduce((sum, state) => ({
    active: sum.active + state.active, idle: sum.idle + state.idle, waiting: sum.waiting + state.waiting,
  }), { active: 0, idle: 0, waiting: 0 });
}

function unexpectedFailure(error: unknown): ModelError {
  return new ModelError('provider_error', `unexpected failure in the vLLM adapter: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: false,
    cause: error,
  });
}

/** Waits for a shared promise, or stops waiting (without cancelling it) when this caller aborts. */
function raceWithAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
