import { createApp, TOKENS, type Tracer } from '@agentport/core';
import { afterEach, describe, expect, it } from 'vitest';
import { telemetry, tracesUrl } from '../src/index.js';
import { OtlpReceiver } from '../src/testing/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tracingApp(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const app = await createApp({ plugins: [telemetry({ env })], config: { env: {}, overrides: { telemetry: config } } });
  await app.start();
  cleanups.push(() => app.stop());
  return { app, tracer: app.tryGet(TOKENS.Tracer) };
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('the telemetry plugin', () => {
  it('binds no tracer without an endpoint, in config or in the environment', async () => {
    expect(tracesUrl({}, {})).toBeUndefined();
    const { tracer } = await tracingApp({}, {});
    expect(tracer).toBeUndefined();
    expect(tracesUrl({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' })).toBe('http://collector:4318/custom');
    expect(tracesUrl({ otlpEndpoint: 'http://mine:4318' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://mine:4318/v1/traces');
  });

  it("exports spans over OTLP/HTTP that continue the caller's trace, with kinds, parents, attributes and errors", async () => {
    const receiver = await OtlpReceiver.start();
    cleanups.push(() => receiver.close());
    const { app, tracer } = await tracingApp({ otlpEndpoint: receiver.url, serviceName: 'gateway-under-test', exportDelayMs: 50 });
    const spans = tracer as Tracer;

    const response = spans.startSpan('invoke_agent m', {
      kind: 'server',
      parent: { kind: 'remote', headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } },
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': undefined },
    });
    const call = response.child('chat m', { kind: 'client', attributes: { 'gen_ai.request.model': 'm' } });
    const carried = call.propagationHeaders().traceparent;
    call.setAttributes({ 'gen_ai.usage.output_tokens': 12, 'gen_ai.response.finish_reasons': ['stop'] });
    call.end();
    const toolCall = response.child('execute_tool shell', { kind: 'internal' });
    toolCall.fail('timeout', 'the tool ran past its time limit');
    toolCall.end();
    response.end();
    await receiver.waitForSpans(3);
    await app.stop();

    const [server] = receiver.named('invoke_agent');
    const [client] = receiver.named('chat');
    const [internal] = receiver.named('execute_tool');
    expect(server).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, kind: 2, serviceName: 'gateway-under-test' });
    // An attribute given as undefined is left out, not sent empty.
    expect(server!.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_agent' });
    expect(client).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: server!.spanId, kind: 3 });
    expect(client!.attributes).toEqual({ 'gen_ai.request.model': 'm', 'gen_ai.usage.output_tokens': 12, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(carried).toBe(`00-${CALLER_TRACE}-${client!.spanId}-01`);
    expect(internal).toMatchObject({ parentSpanId: server!.spanId, kind: 1, status: { code: 2, message: 'the tool ran past its time limit' } });
    expect(internal!.attributes['error.type']).toBe('timeout');
  });

  it('records none of a trace the caller did not sample, and still carries its context on', async () => {
    const receiver = await OtlpReceiver.start();
    cleanups.push(() => receiver.close());
    const { app, tracer } = await tracingApp({ otlpEndpoint: receiver.url, exportDelayMs: 50 });
    const span = (tracer as Tracer).startSpan('invoke_agent m', {
      kind: 'server', parent: { kind: 'remote', headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` } },
    });
    expect(span.recording).toBe(false);
    expect(span.propagationHeaders().traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
    span.end();
    const sampled = (tracer as Tracer).startSpan('invoke_agent other', { kind: 'server' });
    sampled.end();
    await receiver.waitForSpans(1);
    await app.stop();
    expect(receiver.spans.map((received) => received.name)).toEqual(['invoke_agent other']);
  });
});
