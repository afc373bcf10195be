import {
  AgentportError, assertUniqueNames, type AgentEvent, type AgentRun, type ClientToolBridge, type CompactionResult, InvalidToolRequestError, type Item, type Logger,
  type NewResponseRecord, newId, type ResponseSignals, type SpanParent, type Tracer,
  type StateStore, StoreFaultError, type ToolRegistry, type Tool, ZERO_USAGE,
} from '@agentport/core';
import { ResponseEventEncoder, type ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import type { ResponseObject } from '../encoder/response-object.js';
import { invalidRequest, notFound, storeFaultEnding } from '../errors.js';
import type { ResponseRunMetrics } from '../http/gateway-metrics.js';
import { assertToolOutputsAnswerCalls } from '../request/tool-output-calls.js';
import type { CreateResponseParams } from '../request/create-response-params.js';
import type { AgentDirectory } from './agent-directory.js';
import { type ActiveResponses, LiveResponse } from './live-response.js';
import { toResponseObject, requestEcho } from './response-object-builder.js';
import { resolveInput } from './input-resolution.js';
import type { InterruptedResponse } from './interrupted-response.js';
import { endResponseSpan, startResponseSpan } from './response-trace.js';
import { billedUsage } from '../usage/billed-usage.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import { ResponsePersistence } from './response-persistence.js';
import type { StoreFaults } from './store-faults.js';
import { isUpstreamFailure } from './upstream-failure.js';

export interface RunLimits {
  /** Model calls per response. */
  maxSteps: number;
  /** Server tool calls per response, unless the request asks for fewer. */
  maxToolCalls: number;
  /** Wall-clock time of one response; then it ends `incomplete` (`max_run_time`). */
  maxRunMs: number;
}

export interface ResponseRunnerDeps {
  store: StateStore;
  agents: AgentDirectory;
  tools: ToolRegistry | undefined;
  active: ActiveResponses;
  limits: RunLimits;
  logger: Logger;
  /** Time to first token, tokens and upstream failures, when the gateway keeps metrics. */
  metrics?: ResponseRunMetrics;
  /** Where stored events are announced, for followers in other processes. */
  signals: ResponseSignals;
  /** With `shared` signals: ms between writes of a running background response's events. */
  sharedEventsFlushMs: number;
  /** Where endings the store refused wait for it to take writes again. */
  storeFaults: StoreFaults;
  /** Where each response's spans go. */
  tracer: Tracer;
  /** Also keep each stored response's spans in the store, for the trace viewer (`traceViewer`). */
  recordTraces: boolean;
  /** Where each ended response's usage is counted, per tenant and model. */
  usage?: UsageLedger;
}

export interface StartOptions {
  /** The request's logger (its lines carry the request id and tenant); the gateway's when absent. */
  logger?: Logger;
  /** Also send agentport's own events (step events). */
  extensions?: boolean;
  /**
   * The primary client: awaited per event, so a slow reader slows the run instead of filling
   * memory. `json` is the event serialized already (a stored response's, as its event log keeps it).
   */
  sink?: (event: ResponseStreamEvent, json: string | undefined) => Promise<void> | void;
  /** History from elsewhere (a WebSocket connection's unstored responses) instead of the store. */
  history?: Item[];
  /** Called with the final response and the input as resolved (a WebSocket connection keeps its unstored responses). */
  onFinished?: (response: ResponseObject, output: Item[], input: Item[]) => void;
  /** Lets a client tool call wait for the caller's output inside the response (the WebSocket tool loop). */
  clientTools?: ClientToolBridge;
  /** The caller's trace context (its request's headers): the response's span continues that trace. */
  traceParent?: SpanParent;
}

export interface RunHandle {
  id: string;
  live: LiveResponse;
  /** The response as created (`queued` or `in_progress`, no output yet). */
  initial: ResponseObject;
  /** The final response, once the run ended. Never rejects. */
  done: Promise<ResponseObject>;
}

const RUN_TIME_LIMIT = Symbol('run time limit');
/**
 * The abort reason of a graceful shutdown that leaves a background response for the next
 * process to resume: the run stops where it is, its last checkpoint stays, nothing ends it.
 */
export const LEFT_FOR_RESUME = Symbol('left for the next process');

/**
 * Runs one response: checks what it refers to, stores its input, drives the agent, encodes
 * its events once for every consumer (the client, followers, the event log) and stores
 * its output before the terminal event goes out.
 */
export class ResponseRunner {
  constructor(private readonly deps: ResponseRunnerDeps) {}

  /** Throws an `ApiError` for bad references before anything is stored; then the run goes on in the background. */
  async start(tenant: string, request: CreateResponseParams, options: StartOptions = {}): Promise<RunHandle> {
    const { store } = this.deps;
    const agent = await this.deps.agents.resolve(request.model);
    const history = options.history ?? await this.loadHistory(tenant, request);
    const params: CreateResponseParams = { ...request, input: await resolveInput(store, tenant, request.inputEntries, history) };
    assertToolOutputsAnswerCalls(history, params.input);
    const openingItems: Item[] = [];
    const serverTools = await this.listServerTools(tenant, params, history, openingItems);

    const id = newId('response');
    const record: NewResponseRecord = {
      id, tenant, model: params.model,
      status: params.background ? 'queued' : 'in_progress',
      previousResponseId: params.previousResponseId,
      conversationId: params.conversationId,
      request: requestEcho(params),
      usage: null, error: null, incompleteDetails: null,
      metadata: params.metadata,
      background: params.background,
      createdAt: Math.floor(Date.now() / 1000),
      completedAt: null,
      expiresAt: null,
    };
    // One transaction before the first token: the record and its input items.
    if (params.store) {
      await store.createResponse(record, params.input);
      this.deps.storeFaults.noteWrite();
    }

    const live = new LiveResponse(id, tenant, { background: params.background, stored: params.store });
    this.deps.active.add(live);
    const run = this.agentRun(params, history, serverTools, openingItems);
    const initial = toResponseObject({ ...record, completedAt: null }, []);
    const encoder = new ResponseEventEncoder(initial, {
      extensions: options.extensions ?? false, reasoningSeal: params.reasoningSeal, compactionSeal: params.compactionSeal, reasoningSummary: params.echo.reasoning.summary !== null,
    });
    const logger = options.logger ?? this.deps.logger;
    const startedAt = performance.now();
    const { span, recorder } = startResponseSpan(this.deps.tracer, {
      agentName: agent.name, model: params.model, tenant, responseId: id, conversationId: params.conversationId, background: params.background,
      historyItems: history.length, inputItems: params.input.length,
      ...(options.traceParent ? { parent: options.traceParent } : {}),
    }, this.deps.recordTraces && params.store);
    live.trace = recorder;
    const persistence = new ResponsePersistence(
      params.store ? store : undefined, tenant, id, logger, this.announcer(tenant, id, logger), recorder && { recorder, atCheckpoints: params.background },
    );
    const events = agent.run(run, {
      signal: live.abort.signal, tenant, responseId: id, span,
      ...(options.clientTools ? { clientTools: options.clientTools } : {}),
    });
    const done = this.drive(live, encoder, persistence, events, startedAt, options).then((response) => {
      endResponseSpan(span, response);
      this.report(response, tenant, agent.name, startedAt);
      options.onFinished?.(response, response.output, params.input);
      return response;
    });
    return { id, live, initial, done };
  }

  /**
   * A background response a previous process left running, from its last checkpoint: `resume`
   * runs the agent on with the output it had (it shows none of it again, and runs only the tool
   * calls left without an output); `end` ends it `incomplete` (`server_restarted`). Its stream
   * goes on after the last stored event, so a follower sees one stream.
   */
  async resume(interrupted: InterruptedResponse, mode: 'resume' | 'end'): Promise<RunHandle> {
    const { record, params, history, output, lastSequence } = interrupted;
    const { tenant, id } = record;
    const { store } = this.deps;
    // What can refuse (the model is no longer served, a tool provider fails) comes before anything starts.
    const agent = mode === 'resume' ? await this.deps.agents.resolve(params.model) : undefined;
    // Providers that emit opening items showed them the first time; these are not shown again.
    const serverTools = agent ? await this.listServerTools(tenant, params, history, []) : [];
    // The events of a step cut in the middle are told again as the step runs again.
    if (interrupted.eventsPastCheckpoint) await store.truncateEvents(tenant, id, lastSequence);
    const live = new LiveResponse(id, tenant, { background: true, stored: true, resumedAfter: lastSequence });
    this.deps.active.add(live);
    const initial = toResponseObject({ ...record, status: lastSequence >= 0 ? 'in_progress' : record.status }, output);
    const encoder = new ResponseEventEncoder(initial, {
      extensions: false, reasoningSeal: params.reasoningSeal, compactionSeal: params.compactionSeal, reasoningSummary: params.echo.reasoning.summary !== null,
    });
    if (lastSequence >= 0) encoder.continueAfter(lastSequence);
    const logger = this.deps.logger.child({ responseId: id, tenant });
    // A new trace: the caller's request that started it belonged to the previous process. The
    // viewer keeps the earlier run's spans (its root never ended) and adds this run's, named apart.
    const { span, recorder } = startResponseSpan(this.deps.tracer, {
      agentName: agent?.name ?? params.model, model: params.model, tenant, responseId: id, conversationId: params.conversationId, background: true,
      historyItems: history.length, inputItems: params.input.length,
    }, this.deps.recordTraces, `r${lastSequence + 1}.${interrupted.resumes}.`);
    span.setAttributes({ 'agentport.response.resumed': true });
    live.trace = recorder;
    const persistence = new ResponsePersistence(store, tenant, id, logger, this.announcer(tenant, id, logger), recorder && { recorder, atCheckpoints: true });
    const events = agent
      ? agent.run({ ...this.agentRun(params, history, serverTools, []), resume: { output } }, { signal: live.abort.signal, tenant, responseId: id, span })
      : endedByRestart();
    const resumedAt = performance.now();
    const done = this.drive(live, encoder, persistence, events, resumedAt, { logger }, lastSequence >= 0).then((response) => {
      endResponseSpan(span, response);
      this.report(response, tenant, agent?.name ?? params.model, resumedAt);
      return response;
    });
    return { id, live, initial, done };
  }

  /**
   * With signals shared between processes, each write of events is announced, so a client
   * following the response from another process reads them; one process needs no announcement.
   */
  private announcer(tenant: string, responseId: string, logger: Logger): ((lastSequence: number) => void) | undefined {
    const { signals } = this.deps;
    if (signals.reach !== 'shared') return undefined;
    return (lastSequence) => {
      signals.send({ type: 'events', tenant, responseId, lastSequence }).catch((error: unknown) => {
        logger.warn({ responseId, error: String(error) }, 'could not signal stored events to other processes; their followers read them on their next poll');
      });
    };
  }

  /**
   * The server tools the request gets. Providers see the history (to show an item such as
   * `mcp_list_tools` once per conversation) and may emit items that open the output; a
   * hosted tool config they refuse is a 400.
   */
  private async listServerTools(tenant: string, params: CreateResponseParams, history: readonly Item[], openingItems: Item[]): Promise<Tool[]> {
    if (!this.deps.tools) return [];
    try {
      const tools = await this.deps.tools.listTools({
        tenant, requestedTools: params.hostedTools, history: [...history, ...params.input], emitItem: (item) => openingItems.push(item),
      });
      assertUniqueNames([...tools, ...params.functionTools]);
      return tools;
    } catch (error) {
      if (InvalidToolRequestError.is(error)) throw invalidRequest(error.param, error.message, error.code);
      throw error;
    }
  }

  /**
   * `POST /v1/responses/input_tokens`: what the response's first model call would take as input
   * (history, input, instructions, tools), counted by the agent's model. Nothing is stored.
   */
  async countInputTokens(tenant: string, request: CreateResponseParams, signal: AbortSignal): Promise<number> {
    const agent = await this.deps.agents.resolve(request.model);
    if (!agent.countInputTokens) {
      throw invalidRequest('model', `The model '${request.model}' cannot count input tokens: its agent does not implement countInputTokens.`, 'input_tokens_unsupported');
    }
    const history = await this.loadHistory(tenant, request);
    const params: CreateResponseParams = { ...request, input: await resolveInput(this.deps.store, tenant, request.inputEntries, history) };
    assertToolOutputsAnswerCalls(history, params.input);
    const serverTools = await this.listServerTools(tenant, params, history, []);
    return agent.countInputTokens(this.agentRun(params, history, serverTools, []), { signal, tenant });
  }

  /**
   * The request's history and input summarised by its agent into one compaction item
   * (`POST /v1/responses/compact`); returns the items compacted too. Nothing is stored.
   */
  async compact(tenant: string, request: CreateResponseParams, prompt: string | undefined, signal: AbortSignal): Promise<{ compacted: Item[]; result: CompactionResult }> {
    const agent = await this.deps.agents.resolve(request.model);
    if (!agent.compact) {
      throw invalidRequest('model', `The model '${request.model}' cannot compact a conversation: its agent does not implement compact.`, 'compaction_unsupported');
    }
    const history = await this.loadHistory(tenant, request);
    const input = await resolveInput(this.deps.store, tenant, request.inputEntries, history);
    const result = await agent.compact(this.agentRun({ ...request, input }, history, [], []), { signal, tenant, prompt });
    return { compacted: [...history, ...input], result };
  }

  /** The agent's view of a request: its history and input, its tools and settings, under the gateway's limits. */
  private agentRun(params: CreateResponseParams, history: Item[], serverTools: readonly Tool[], openingItems: Item[]): AgentRun {
    return {
      history,
      input: params.input,
      tools: [...serverTools, ...params.functionTools] as Tool[],
      ...(openingItems.length === 0 ? {} : { openingItems }),
      parallelToolCalls: params.parallelToolCalls,
      maxSteps: this.deps.limits.maxSteps,
      maxToolCalls: Math.min(params.maxToolCalls ?? Infinity, this.deps.limits.maxToolCalls),
      ...(params.instructions === null ? {} : { instructions: params.instructions }),
      ...(params.toolChoice === undefined ? {} : { toolChoice: params.toolChoice }),
      ...(params.output === undefined ? {} : { output: params.output }),
      temperature: params.temperature,
      topP: params.topP,
      ...(params.presencePenalty === null ? {} : { presencePenalty: params.presencePenalty }),
      ...(params.frequencyPenalty === null ? {} : { frequencyPenalty: params.frequencyPenalty }),
      ...(params.maxOutputTokens === null ? {} : { maxOutputTokens: params.maxOutputTokens }),
    };
  }

  private async loadHistory(tenant: string, params: CreateResponseParams): Promise<Item[]> {
    if (params.previousResponseId) {
      const history = await this.deps.store.loadHistory(tenant, { kind: 'previous_response', responseId: params.previousResponseId });
      if (!history) {
        throw invalidRequest('previous_response_id', `Previous response with id '${params.previousResponseId}' not found.`, 'previous_response_not_found');
      }
      return history;
    }
    if (params.conversationId) {
      const history = await this.deps.store.loadHistory(tenant, { kind: 'conversation', conversationId: params.conversationId });
      if (!history) throw notFound('conversation', params.conversationId, 'conversation');
      return history;
    }
    return [];
  }

  private async drive(
    live: LiveResponse,
    encoder: ResponseEventEncoder,
    persistence: ResponsePersistence,
    agentEvents: AsyncIterable<AgentEvent>,
    startedAt: number,
    options: StartOptions,
    /** A resumed response whose opening events are stored already. */
    opened = false,
  ): Promise<ResponseObject> {
    const send = (events: readonly ResponseStreamEvent[], texts: readonly string[] | undefined) => publish(live, options.sink, events, texts, 0);
    // Read once: the loop checks it per event, and the controller's getter is not free.
    const { signal } = live.abort;
    const timer = setTimeout(() => live.abort.abort(RUN_TIME_LIMIT), this.deps.limits.maxRunMs);
    timer.unref();
    try {
      if (!opened) {
        // Only a background response is stored `queued`; a foreground one starts `in_progress`.
        if (live.background) await persistence.markInProgress();
        const opening = encoder.start();
        await send(opening, persistence.record(opening));
      }
      const firstToken = new FirstTokenClock(this.deps.metrics, startedAt);
      // A background response others may follow from another process is written as it runs, not only per step.
      const flushEveryMs = live.background && this.deps.signals.reach === 'shared' ? this.deps.sharedEventsFlushMs : undefined;
      let nextFlushAt = flushEveryMs === undefined ? Infinity : performance.now() + flushEveryMs;
      for await (const agentEvent of agentEvents) {
        // A graceful shutdown left it for the next process: its last checkpoint stays as it is,
        // and nothing the cut step yields on its way out (items closed as incomplete) is stored.
        if (signal.reason === LEFT_FOR_RESUME) return encoder.response;
        firstToken.see(agentEvent);
        const events = encoder.encode(this.withRunTimeLimit(agentEvent, live));
        const texts = persistence.record(events);
        if (encoder.isEnded) {
          const fault = await persistence.finish(encoder.response);
          // The terminal event the store refused is replaced: its text goes with it.
          await (fault ? send(this.failedToStore(encoder, persistence, events, fault), texts?.slice(0, -1)) : send(events, texts));
          break;
        }
        // Awaited only while the client pushes back: a fast one costs no promise per event.
        const pushback = send(events, texts);
        if (pushback) await pushback;
        // A step's end is a checkpoint; a background run's next step start is one too (its tool results are in).
        if (agentEvent.type === 'step.completed' || (live.background && agentEvent.type === 'step.started')) await persistence.flush();
        else if (nextFlushAt !== Infinity && performance.now() >= nextFlushAt) {
          await persistence.flushEvents();
          nextFlushAt = performance.now() + flushEveryMs!;
        }
      }
      if (!encoder.isEnded) await this.endWith(encoder, persistence, send, encoder.abort('server_error', 'the agent stopped without ending the response'));
    } catch (error) {
      if (signal.reason === LEFT_FOR_RESUME) return encoder.response;
      (options.logger ?? this.deps.logger).error({ responseId: live.id, err: error }, 'response run failed');
      if (StoreFaultError.is(error)) this.deps.storeFaults.note(error);
      const events = signal.aborted
        ? encoder.abort('cancelled', 'cancelled', 'cancelled')
        : StoreFaultError.is(error)
          ? encoder.abort(error.code, storeFaultEnding(error))
          : encoder.abort(error instanceof AgentportError ? error.code : 'server_error', error instanceof Error ? error.message : String(error));
      await this.endWith(encoder, persistence, send, events).catch(() => undefined);
    } finally {
      clearTimeout(timer);
      live.finish();
    }
    return encoder.response;
  }

  private async endWith(
    encoder: ResponseEventEncoder,
    persistence: ResponsePersistence,
    send: (events: readonly ResponseStreamEvent[], texts: readonly string[] | undefined) => Promise<void> | undefined,
    events: ResponseStreamEvent[],
  ): Promise<void> {
    const texts = persistence.record(events);
    const fault = await persistence.finish(encoder.response);
    if (fault) {
      this.deps.storeFaults.note(fault);
      persistence.finishLater(encoder.response, this.deps.storeFaults);
    }
    await send(events, texts);
  }

  /**
   * The end could not be stored (a storage fault): the client must not see a completion the
   * store does not have. The response ends `failed` with the fault's code instead, and that end
   * is written once the store takes writes again.
   */
  private failedToStore(encoder: ResponseEventEncoder, persistence: ResponsePersistence, events: ResponseStreamEvent[], fault: StoreFaultError): ResponseStreamEvent[] {
    this.deps.storeFaults.note(fault);
    const failed = encoder.failEnding(fault.code, storeFaultEnding(fault));
    persistence.replaceTerminal(failed);
    persistence.finishLater(encoder.response, this.deps.storeFaults);
    return [...events.slice(0, -1), failed];
  }

  /** An ended response's usage and failure, to the metrics and the usage ledger. */
  private report(response: ResponseObject, tenant: string, model: string, startedAt: number): void {
    this.deps.usage?.note({ tenant, model, endedAt: Math.floor(Date.now() / 1000), usage: billedUsage(response, performance.now() - startedAt) });
    const metrics = this.deps.metrics;
    if (!metrics) return;
    if (response.usage) metrics.addTokens(response.usage.input_tokens, response.usage.output_tokens);
    if (response.status === 'failed' && response.error && isUpstreamFailure(response.error.code)) metrics.upstreamError(response.error.code);
  }

  /** A run cut by the gateway's time limit ends `incomplete`, not `cancelled`. */
  private withRunTimeLimit(event: AgentEvent, live: LiveResponse): AgentEvent {
    if (event.type === 'cancelled' && live.abort.signal.reason === RUN_TIME_LIMIT) {
      return { type: 'incomplete', reason: 'max_run_time', usage: event.usage };
    }
    return event;
  }
}

/**
 * Gives each event to the followers and the primary client (with its JSON, when `texts` has it),
 * in order; returns a promise only when the client pushes back, and then goes on with the rest
 * once it has caught up.
 */
function publish(
  live: LiveResponse, sink: StartOptions['sink'], events: readonly ResponseStreamEvent[], texts: readonly string[] | undefined, from: number,
): Promise<void> | undefined {
  for (let index = from; index < events.length; index += 1) {
    const event = events[index]!;
    live.publish(event);
    const pushback = sink?.(event, texts?.[index]);
    if (pushback) return pushback.then(() => publish(live, sink, events, texts, index + 1));
  }
  return undefined;
}

/** Notes the time to the run's first token (text, reasoning or arguments) once, when the gateway keeps metrics. */
class FirstTokenClock {
  private seen: boolean;

  constructor(private readonly metrics: ResponseRunMetrics | undefined, private readonly startedAt: number) {
    this.seen = metrics === undefined;
  }

  see(event: AgentEvent): void {
    if (this.seen || (event.type !== 'text.delta' && event.type !== 'reasoning.delta' && event.type !== 'arguments.delta')) return;
    this.seen = true;
    this.metrics!.observeFirstToken((performance.now() - this.startedAt) / 1000);
  }
}

/** The run of a response ended, not resumed, after a restart (`backgroundRestart: end`). */
async function* endedByRestart(): AsyncGenerator<AgentEvent> {
  yield { type: 'incomplete', reason: 'server_restarted', usage: ZERO_USAGE };
}
