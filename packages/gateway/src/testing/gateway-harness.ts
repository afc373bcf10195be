import {
  type Agent, type IAgentModel, MemoryStateStore, type ModelCatalog, type StateStore, type ToolProvider, silentLogger,
} from '@agentport/core';
import { ScriptedModel, type ScriptedSteps } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach } from 'vitest';
import { Gateway } from '../gateway.js';
import type { GatewayConfig } from '../gateway-config.js';
import { ObservedModel } from './observed-model.js';
import { RecordingStateStore } from './recording-state-store.js';
import { assertResponseResource } from './stream-event-schema.js';

export interface HarnessOptions {
  /** Scripted steps for a `ScriptedModel`, or a model of the test's own. */
  model?: ScriptedSteps | IAgentModel;
  agents?: Agent[];
  tools?: ToolProvider[];
  /** The store behind the recording one; default a fresh `MemoryStateStore`. */
  store?: StateStore;
  config?: Partial<GatewayConfig>;
  /** What the upstream says it serves (`/v1/models`, `/readyz`, the model names the default agent answers). */
  catalog?: ModelCatalog;
}

/** A real gateway on 127.0.0.1 over a recording store and an observed model, with clients for it. */
export class GatewayHarness {
  private constructor(
    readonly gateway: Gateway,
    readonly store: RecordingStateStore,
    readonly model: ObservedModel | undefined,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const store = new RecordingStateStore(options.store ?? new MemoryStateStore());
    const given = options.model;
    const inner = given === undefined ? undefined
      : Array.isArray(given) || typeof given === 'function' ? new ScriptedModel(given) : given;
    const model = inner ? new ObservedModel(inner) : undefined;
    const gateway = await Gateway.create({
      store,
      ...(model ? { model } : {}),
      ...(options.agents ? { agents: options.agents } : {}),
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.catalog ? { catalog: options.catalog } : {}),
      // Tests name their model as they like ('m', 'coder'): the harness serves every name, explicitly.
      config: { port: 0, ...(model ? { modelAliases: { '*': model.id } } : {}), ...options.config },
      logger: silentLogger,
    });
    await gateway.listen();
    return new GatewayHarness(gateway, store, model);
  }

  get url(): string {
    return this.gateway.url;
  }

  /** The `openai` SDK pointed at this gateway, never retrying; every response object it receives as JSON must fit the spec. */
  client(apiKey = 'test-key'): OpenAI {
    return new OpenAI({ baseURL: `${this.url}/v1`, apiKey, maxRetries: 0, timeout: 15_000, fetch: specCheckingFetch });
  }

  /** A raw request to the gateway; `body` is sent as JSON unless it is already a string. */
  fetch(path: string, init: { method?: string; body?: unknown; apiKey?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.apiKey !== null) headers.authorization = `Bearer ${init.apiKey ?? 'test-key'}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return specCheckingFetch(`${this.url}${path}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body === undefined ? {} : { body }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  }

  /** Waits until the stored response reaches one of `statuses` (a background run, a cancel in flight). */
  async waitForStatus(id: string, statuses: readonly string[], tenant = 'default'): Promise<string> {
    for (let attempt = 0; attempt < 500; attempt += 1) {
      const record = await this.store.getResponse(tenant, id);
      if (record && statuses.includes(record.status)) return record.status;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`response ${id} never reached ${statuses.join(' or ')}`);
  }

  async close(): Promise<void> {
    await this.gateway.close(0);
  }
}

/** Registers an `afterEach` that closes every gateway the returned function started. */
export function useGateways(): (options?: HarnessOptions) => Promise<GatewayHarness> {
  const started: GatewayHarness[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((harness) => harness.close()));
  });
  return async (options) => {
    const harness = await GatewayHarness.start(options);
    started.push(harness);
    return harness;
  };
}

/** `fetch`, then: a JSON body that is a response object must fit the spec's ResponseResource (the test fails otherwise). */
async function specCheckingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok && (response.headers.get('content-type') ?? '').startsWith('application/json')) {
    const body = await response.clone().json() as { object?: unknown; deleted?: unknown };
    // A delete answers `{id, object: 'response', deleted: true}`, not the object.
    if (body?.object === 'response' && body.deleted === undefined) assertResponseResource(body);
  }
  return response;
}

/** Fields the SDK's helpers add on the client side (`parsed`, `parsed_arguments`, `output_parsed`); the server never sends them. */
const CLIENT_SIDE_FIELDS = new Set(['parsed', 'parsed_arguments', 'output_parsed']);

/** The value without the fields the SDK adds, to compare what a stream built with what GET returns. */
export function withoutParsed<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (CLIENT_SIDE_FIELDS.has(key) ? undefined : v))) as T;
}
