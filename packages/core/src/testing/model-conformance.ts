import { afterEach, describe, expect, it } from 'vitest';
import type { IAgentModel } from '../model/agent-model.js';
import { collectModelResponse } from '../model/collect-model-response.js';
import { isModelError, type ModelError } from '../model/model-error.js';
import type { ModelRequest, ModelToolSpec } from '../model/model-request.js';
import type { ModelResponse } from '../model/model-response.js';
import type { ModelFinishReason, ModelStreamEvent } from '../model/model-stream-event.js';
import type { JsonSchema } from '../schema/json-schema.js';

/**
 * What the backend behind a model must do for one conformance test. The implementer arranges
 * it (a scripted model plays it, an adapter scripts its fake server from it); the suite sends
 * a fitting request and checks what comes back.
 */
export type ModelConformanceScenario =
  /** Answer `text`, then stop. */
  | { kind: 'text'; text: string }
  /** Think `reasoning`, then answer `text`. */
  | { kind: 'reasoning-then-text'; reasoning: string; text: string }
  /** Call `toolName` once with `input` as its arguments. */
  | { kind: 'tool-call'; toolName: string; input: Record<string, unknown> }
  /** Call `toolName` with `arguments` as the raw argument text, which breaks the tool's schema. */
  | { kind: 'invalid-tool-arguments'; toolName: string; arguments: string }
  /** Answer `value` as JSON, for a request with a json_schema `output`. */
  | { kind: 'structured-output'; value: Record<string, unknown> }
  /** Fail with this HTTP status and message. */
  | { kind: 'provider-error'; status: number; message: string }
  /** Answer `text`, then stop at the token limit (finish `length`). */
  | { kind: 'length'; text: string }
  /** Stream `tokens` text deltas, `delayMs` apart: long enough to be aborted mid-way. */
  | { kind: 'slow-text'; tokens: number; delayMs: number };

export type MakeConformanceModel = (scenario: ModelConformanceScenario) => IAgentModel | Promise<IAgentModel>;

export interface AgentModelConformanceOptions {
  /** Runs after each test, e.g. to close fake servers started by `makeModel` in that test. */
  teardown?: () => Promise<void> | void;
}

const WEATHER_TOOL: ModelToolSpec = {
  name: 'get_weather',
  description: 'The weather forecast for a city.',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1 },
    },
    required: ['city', 'unit', 'days'],
    additionalProperties: false,
  },
  strict: true,
};

const CITY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    country: { type: 'string' },
    population: { type: 'integer' },
    capital: { type: 'boolean' },
    districts: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'country', 'population', 'capital', 'districts'],
  additionalProperties: false,
};

const TEXT = { kind: 'text', text: 'The quick brown fox jumps over the lazy dog. Ünïcödé 🦊 too.' } as const;
const REASONING = {
  kind: 'reasoning-then-text',
  reasoning: 'The user greets me, so I greet back briefly.',
  text: 'Hello! How can I help?',
} as const;
const TOOL_CALL = { kind: 'tool-call', toolName: 'get_weather', input: { city: 'Paris', unit: 'celsius', days: 3 } } as const;
const WRONG_TYPE_ARGUMENTS = { kind: 'invalid-tool-arguments', toolName: 'get_weather', arguments: '{"city": 42, "unit": "kelvin"}' } as const;
const BROKEN_JSON_ARGUMENTS = { kind: 'invalid-tool-arguments', toolName: 'get_weather', arguments: '{"city": "Par' } as const;
const STRUCTURED = {
  kind: 'structured-output',
  value: { city: 'Paris', country: 'France', population: 2102650, capital: true, districts: ['Marais', 'Montmartre'] },
} as const;
const PROVIDER_ERROR = { kind: 'provider-error', status: 500, message: 'the engine crashed' } as const;
const LENGTH = { kind: 'length', text: 'This answer was going to be long but' } as const;
const SLOW = { kind: 'slow-text', tokens: 1000, delayMs: 20 } as const;

function requestFor(scenario: ModelConformanceScenario): ModelRequest {
  const messages: ModelRequest['messages'] = [
    { role: 'system', content: 'You are a test assistant.' },
    { role: 'user', content: `Conformance scenario: ${scenario.kind}` },
  ];
  switch (scenario.kind) {
    case 'tool-call':
    case 'invalid-tool-arguments':
      return { messages, tools: [WEATHER_TOOL], toolChoice: 'auto' };
    case 'structured-output':
      return { messages, output: { type: 'json_schema', name: 'city_facts', schema: CITY_SCHEMA, strict: true } };
    case 'length':
      return { messages, maxOutputTokens: 8 };
    default:
      return { messages };
  }
}

const CONSTRAINT_SUPPORT = ['constrained', 'validated', 'unsupported'];

/**
 * The contract every `IAgentModel` must keep, as a vitest suite. `makeModel` is called once
 * per model call the suite makes (a test may call it more than once) and each model serves
 * that one call.
 */
export function runAgentModelConformance(
  name: string,
  makeModel: MakeConformanceModel,
  options: AgentModelConformanceOptions = {},
): void {
  describe(`IAgentModel conformance: ${name}`, () => {
    afterEach(async () => {
      await options.teardown?.();
    });

    async function streamScenario(scenario: ModelConformanceScenario): Promise<ModelStreamEvent[]> {
      const model = await makeModel(scenario);
      const events = await collectEvents(model.stream(requestFor(scenario)));
      expectWellFormedStream(events);
      return events;
    }

    async function completeScenario(scenario: ModelConformanceScenario): Promise<ModelResponse> {
      const model = await makeModel(scenario);
      return model.complete(requestFor(scenario));
    }

    it('declares specification version v1 and a non-empty id', async () => {
      const model = await makeModel(TEXT);
      expect(model.specificationVersion).toBe('v1');
      expect(typeof model.id).toBe('string');
      expect(model.id.length).toBeGreaterThan(0);
    });

    it('reports well-formed capabilities', async () => {
      const capabilities = (await makeModel(TEXT)).capabilities();
      expect(typeof capabilities.tools).toBe('boolean');
      expect(typeof capabilities.reasoning).toBe('boolean');
      expect(typeof capabilities.parallelToolCalls).toBe('boolean');
      expect(CONSTRAINT_SUPPORT).toContain(capabilities.structuredOutput);
      expect(CONSTRAINT_SUPPORT).toContain(capabilities.toolChoice.auto);
      expect(CONSTRAINT_SUPPORT).toContain(capabilities.toolChoice.required);
      expect(CONSTRAINT_SUPPORT).toContain(capabilities.toolChoice.named);
    });

    it('streams text deltas that join to the answer and finishes with stop', async () => {
      const events = await streamScenario(TEXT);
      expect(joinDeltas(events, 'text-delta')).toBe(TEXT.text);
      expect(events.some((event) => event.type === 'tool-call')).toBe(false);
      expect(finishReasonOf(events)).toBe('stop');
    });

    it('streams reasoning before the text', async () => {
      const events = await streamScenario(REASONING);
      expect(joinDeltas(events, 'reasoning-delta')).toBe(REASONING.reasoning);
      expect(joinDeltas(events, 'text-delta')).toBe(REASONING.text);
      const lastReasoning = events.findLastIndex((event) => event.type === 'reasoning-delta');
      const firstText = events.findIndex((event) => event.type === 'text-delta');
      expect(lastReasoning).toBeLessThan(firstText);
      expect(finishReasonOf(events)).toBe('stop');
    });

    it('streams a tool call with an id, its name, parsed input and arguments, and finishes with tool_calls', async () => {
      const events = await streamScenario(TOOL_CALL);
      const calls = events.filter((event) => event.type === 'tool-call');
      expect(calls).toHaveLength(1);
      const [call] = calls;
      expect(call?.toolCallId).toEqual(expect.any(String));
      expect(call?.toolCallId.length).toBeGreaterThan(0);
      expect(call?.toolName).toBe(TOOL_CALL.toolName);
      expect(call?.input).toEqual(TOOL_CALL.input);
      expect(JSON.parse(call?.arguments ?? '')).toEqual(TOOL_CALL.input);
      expect(finishReasonOf(events)).toBe('tool_calls');
    });

    it.each([
      ['arguments of the wrong type', WRONG_TYPE_ARGUMENTS],
      ['arguments that are not JSON', BROKEN_JSON_ARGUMENTS],
    ])('ends with invalid_tool_arguments for %s', async (_label, scenario) => {
      const events = await streamScenario(scenario);
      expect(events.some((event) => event.type === 'tool-call')).toBe(false);
      expect(terminalErrorOf(events).code).toBe('invalid_tool_arguments');
    });

    it('streams structured output whose value matches and whose text deltas hold the JSON', async () => {
      const events = await streamScenario(STRUCTURED);
      const outputs = events.filter((event) => event.type === 'structured-output');
      expect(outputs).toHaveLength(1);
      expect(outputs[0]?.value).toEqual(STRUCTURED.value);
      expect(JSON.parse(outputs[0]?.text ?? '')).toEqual(STRUCTURED.value);
      expect(JSON.parse(joinDeltas(events, 'text-delta'))).toEqual(STRUCTURED.value);
      expect(finishReasonOf(events)).toBe('stop');
    });

    it('ends with a retryable provider_error carrying the message for a 500', async () => {
      const events = await streamScenario(PROVIDER_ERROR);
      const error = terminalErrorOf(events);
      expect(error.code).toBe('provider_error');
      expect(error.retryable).toBe(true);
      expect(`${error.message} ${error.providerMessage ?? ''}`).toContain(PROVIDER_ERROR.message);
    });

    it('finishes with length when the token limit cuts the answer', async () => {
      const events = await streamScenario(LENGTH);
      expect(joinDeltas(events, 'text-delta')).toBe(LENGTH.text);
      expect(finishReasonOf(events)).toBe('length');
    });

    it.each([TEXT, REASONING, TOOL_CALL, STRUCTURED, LENGTH])('complete() returns what the stream gives: $kind', async (scenario) => {
      const streamed = await collectModelResponse((await makeModel(scenario)).stream(requestFor(scenario)));
      const completed = await completeScenario(scenario);
      expect(contentOf(completed)).toEqual(contentOf(streamed));
      for (const call of completed.toolCalls) expect(call.id.length).toBeGreaterThan(0);
      if (completed.usage) expect(completed.usage.totalTokens).toBeGreaterThanOrEqual(0);
      if (scenario.kind === 'structured-output') {
        expect(JSON.parse(completed.text)).toEqual(scenario.value);
        expect(completed.structuredOutput?.value).toEqual(scenario.value);
      } else {
        expect(completed.text).toBe(expectedTextOf(scenario));
      }
    });

    it.each([
      { scenario: PROVIDER_ERROR, code: 'provider_error' },
      { scenario: WRONG_TYPE_ARGUMENTS, code: 'invalid_tool_arguments' },
    ] as const)('complete() rejects with a ModelError for $scenario.kind', async ({ scenario, code }) => {
      const failure = await completeScenario(scenario).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isModelError(failure)).toBe(true);
      expect((failure as ModelError).code).toBe(code);
    });

    it('ends a stream aborted after its first delta without any further delta', async () => {
      const model = await makeModel(SLOW);
      const controller = new AbortController();
      const afterAbort: ModelStreamEvent[] = [];
      for await (const event of model.stream(requestFor(SLOW), { signal: controller.signal })) {
        if (controller.signal.aborted) {
          afterAbort.push(event);
          // A stream that ignores the abort would run for a long time: stop reading at once.
          if (afterAbort.length > 1 || isContentEvent(event)) break;
        } else if (event.type === 'text-delta') {
          controller.abort();
        }
      }
      expect(controller.signal.aborted).toBe(true);
      expect(afterAbort.filter(isContentEvent)).toEqual([]);
      expect(afterAbort.length).toBeLessThanOrEqual(1);
      for (const event of afterAbort) {
        expect(event.type).toBe('error');
        if (event.type === 'error') expect(event.error.code).toBe('cancelled');
      }
    });

    it('yields no content for an already-aborted signal', async () => {
      const model = await makeModel(TEXT);
      const controller = new AbortController();
      controller.abort();
      const events = await collectEvents(model.stream(requestFor(TEXT), { signal: controller.signal }));
      expect(events.filter(isContentEvent)).toEqual([]);
      expect(events.length).toBeLessThanOrEqual(1);
      for (const event of events) {
        expect(event.type).toBe('error');
        if (event.type === 'error') expect(event.error.code).toBe('cancelled');
      }
    });

    it('complete() rejects with a cancelled ModelError for an already-aborted signal', async () => {
      const model = await makeModel(TEXT);
      const controller = new AbortController();
      controller.abort();
      const failure = await model.complete(requestFor(TEXT), { signal: controller.signal }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isModelError(failure)).toBe(true);
      expect((failure as ModelError).code).toBe('cancelled');
    });
  });
}

async function collectEvents(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The port's rules that hold for every stream, whatever the scenario. */
function expectWellFormedStream(events: ModelStreamEvent[]): void {
  const terminals = events.filter((event) => event.type === 'finish' || event.type === 'error');
  expect(terminals, 'exactly one finish or error event').toHaveLength(1);
  expect(events.at(-1), 'the finish or error event comes last').toBe(terminals[0]);

  for (const event of events) {
    if (event.type === 'usage') {
      for (const count of [event.usage.inputTokens, event.usage.outputTokens, event.usage.totalTokens]) {
        expect(Number.isFinite(count) && count >= 0, `usage counts are non-negative numbers: ${JSON.stringify(event.usage)}`).toBe(true);
      }
    }
    if (event.type === 'error') {
      expect(isModelError(event.error), 'an error event carries a ModelError').toBe(true);
    }
  }

  // Argument fragments come before their call and join to its arguments.
  const fragments = new Map<string, string>();
  const completed = new Set<string>();
  for (const event of events) {
    if (event.type === 'tool-call-delta') {
      expect(completed.has(event.toolCallId), `tool-call-delta after its tool-call (${event.toolCallId})`).toBe(false);
      fragments.set(event.toolCallId, (fragments.get(event.toolCallId) ?? '') + event.argumentsDelta);
    }
    if (event.type === 'tool-call') {
      completed.add(event.toolCallId);
      const joined = fragments.get(event.toolCallId);
      if (joined !== undefined) expect(joined, 'tool-call-delta fragments join to the arguments').toBe(event.arguments);
    }
  }
}

function joinDeltas(events: ModelStreamEvent[], type: 'text-delta' | 'reasoning-delta'): string {
  let joined = '';
  for (const event of events) if (event.type === type) joined += event.delta;
  return joined;
}

function finishReasonOf(events: ModelStreamEvent[]): ModelFinishReason | undefined {
  const last = events.at(-1);
  if (last?.type === 'error') throw last.error;
  return last?.type === 'finish' ? last.reason : undefined;
}

function terminalErrorOf(events: ModelStreamEvent[]): ModelError {
  const last = events.at(-1);
  expect(last?.type, 'the stream ends with an error event').toBe('error');
  if (last?.type !== 'error') throw new Error('unreachable: the stream did not end with an error');
  return last.error;
}

function isContentEvent(event: ModelStreamEvent): boolean {
  return ['text-delta', 'reasoning-delta', 'tool-call-delta', 'tool-call', 'structured-output'].includes(event.type);
}

/** What two answers to the same scenario must share; call ids and usage may differ between calls. */
function contentOf(response: ModelResponse): unknown {
  return {
    text: response.text,
    reasoning: response.reasoning,
    toolCalls: response.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments, input: call.input })),
    structuredOutput: response.structuredOutput,
    finishReason: response.finishReason,
  };
}

function expectedTextOf(scenario: ModelConformanceScenario): string {
  switch (scenario.kind) {
    case 'text':
    case 'reasoning-then-text':
    case 'length':
      return scenario.text;
    default:
      return '';
  }
}
