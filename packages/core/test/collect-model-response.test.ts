import { describe, expect, it } from 'vitest';
import { collectModelResponse } from '../src/model/collect-model-response.js';
import { ModelError } from '../src/model/model-error.js';
import type { ModelStreamEvent } from '../src/model/model-stream-event.js';

async function* streamOf(...events: ModelStreamEvent[]): AsyncGenerator<ModelStreamEvent> {
  for (const event of events) yield event;
}

async function failureOf(promise: Promise<unknown>): Promise<ModelError> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof ModelError)) throw new Error(`expected a ModelError, got ${String(failure)}`);
  return failure;
}

describe('collectModelResponse', () => {
  it('joins text and reasoning deltas and keeps the finish reason', async () => {
    const response = await collectModelResponse(streamOf(
      { type: 'reasoning-delta', delta: 'let me ' },
      { type: 'reasoning-delta', delta: 'think' },
      { type: 'text-delta', delta: 'Hello ' },
      { type: 'text-delta', delta: 'world' },
      { type: 'finish', reason: 'length' },
    ));
    expect(response).toEqual({ text: 'Hello world', reasoning: 'let me think', toolCalls: [], finishReason: 'length', warnings: [] });
  });

  it('collects tool calls in order and ignores their argument fragments', async () => {
    const response = await collectModelResponse(streamOf(
      { type: 'tool-call-delta', toolCallId: 'call_a', toolName: 'search', argumentsDelta: '{"q":' },
      { type: 'tool-call-delta', toolCallId: 'call_a', toolName: 'search', argumentsDelta: '"cats"}' },
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'search', arguments: '{"q":"cats"}', input: { q: 'cats' } },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'clock', arguments: '{}', input: {} },
      { type: 'finish', reason: 'tool_calls' },
    ));
    expect(response.toolCalls).toEqual([
      { id: 'call_a', name: 'search', arguments: '{"q":"cats"}', input: { q: 'cats' } },
      { id: 'call_b', name: 'clock', arguments: '{}', input: {} },
    ]);
    expect(response.text).toBe('');
    expect(response.finishReason).toBe('tool_calls');
  });

  it('keeps the structured output', async () => {
    const response = await collectModelResponse(streamOf(
      { type: 'text-delta', delta: '{"ok":true}' },
      { type: 'structured-output', text: '{"ok":true}', value: { ok: true } },
      { type: 'finish', reason: 'stop' },
    ));
    expect(response.structuredOutput).toEqual({ text: '{"ok":true}', value: { ok: true } });
  });

  it('sums usage events, keeping detail counts either side has', async () => {
    const response = await collectModelResponse(streamOf(
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12, cachedInputTokens: 4 } },
      { type: 'usage', usage: { inputTokens: 0, outputTokens: 5, totalTokens: 5, reasoningTokens: 3 } },
      { type: 'finish', reason: 'stop' },
    ));
    expect(response.usage).toEqual({ inputTokens: 10, outputTokens: 7, totalTokens: 17, cachedInputTokens: 4, reasoningTokens: 3 });
  });

  it('leaves usage out when the stream reports none', async () => {
    const response = await collectModelResponse(streamOf({ type: 'finish', reason: 'stop' }));
    expect(response).not.toHaveProperty('usage');
  });

  it('keeps warnings in order', async () => {
    const response = await collectModelResponse(streamOf(
      { type: 'warning', warning: { code: 'unconstrained_auto', message: 'first' } },
      { type: 'text-delta', delta: 'ok' },
      { type: 'warning', warning: { code: 'seed_ignored', message: 'second' } },
      { type: 'finish', reason: 'stop' },
    ));
    expect(response.warnings).toEqual([
      { code: 'unconstrained_auto', message: 'first' },
      { code: 'seed_ignored', message: 'second' },
    ]);
  });

  it('throws the ModelError of an error event', async () => {
    const error = new ModelError('rate_limited', 'slow down', { status: 429 });
    const failure = await failureOf(collectModelResponse(streamOf({ type: 'text-delta', delta: 'partial' }, { type: 'error', error })));
    expect(failure).toBe(error);
  });

  it('throws invalid_chunk when the stream ends without a finish event', async () => {
    const failure = await failureOf(collectModelResponse(streamOf({ type: 'text-delta', delta: 'cut off' })));
    expect(failure.code).toBe('invalid_chunk');
    expect(failure.message).toContain('without a finish event');
  });

  it('throws invalid_chunk for an event after the finish event, naming it', async () => {
    const failure = await failureOf(collectModelResponse(streamOf(
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } },
    )));
    expect(failure.code).toBe('invalid_chunk');
    expect(failure.message).toContain('"usage" after its finish event');
  });

  it('passes on an error the stream itself throws', async () => {
    async function* throwing(): AsyncGenerator<ModelStreamEvent> {
      yield { type: 'text-delta', delta: 'a' };
      throw new ModelError('transport', 'socket closed');
    }
    const failure = await failureOf(collectModelResponse(throwing()));
    expect(failure.code).toBe('transport');
  });
});
