import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '@agentport/telemetry/testing';
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMcpTestServer } from '../../tools-builtin/test/mcp-support.js';
import { type ServingCli, startServe } from './cli-process.js';

const KEY = 'sk-tracing';
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

/** The `traceparent` parts: trace id and the span id it names as the parent. */
function traceparentOf(header: string | string[] | undefined): { traceId: string; spanId: string } | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(typeof header === 'string' ? header : '');
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
}

// `agentport serve` with the standard OpenTelemetry environment, an OTLP receiver, the fake vLLM
// and an MCP server on 127.0.0.1: a tool-using response traced from the caller's traceparent.
describe('tracing with OpenTelemetry', () => {
  const base = mkdtempSync(join(tmpdir(), 'agentport-tracing-'));
  let receiver: OtlpReceiver;
  let mcp: HttpMcpTestServer;
  let fake: FakeVllmServer;
  let serving: ServingCli;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    mcp = await HttpMcpTestServer.start();
    fake = await new FakeVllmServer({
      handler: (request: RecordedRequest): FakeTurn => {
        const messages = (request.body as { messages: Array<{ role: string }> }).messages;
        return messages.some((message) => message.role === 'tool')
          ? { parts: [{ type: 'text', text: 'Oslo is in Norway.' }], usage: { inputTokens: 40, outputTokens: 6 } }
          : { parts: [{ type: 'tool-call', name: 'lookup', input: { city: 'Oslo' } }], usage: { inputTokens: 25, outputTokens: 9 } };
      },
    }).start();
    serving = await startServe(['--port', '0', '--upstream', fake.url, '--db', join(base, 'gateway.db'), '--api-key', KEY], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'agentport-under-test',
      AGENTPORT_TELEMETRY__EXPORT_DELAY_MS: '50',
      AGENTPORT_MCP__SERVER_URL_ALLOWLIST: '["127.0.0.1"]',
    });
  });
  afterAll(async () => {
    await serving?.kill();
    await Promise.all([fake?.close(), mcp?.close(), receiver?.close()]);
    rmSync(base, { recursive: true, force: true });
  });

  it("continues the caller's trace: the response, each model call and the MCP call, each carried on to the server it calls", async () => {
    const client = new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const response = await client.responses.create({
      model: 'fake-model',
      input: 'Which country is Oslo in?',
      tools: [{ type: 'mcp', server_label: 'places', server_url: mcp.url, require_approval: 'never' }],
    }, { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
    expect(response.status).toBe('completed');

    const spans = await receiver.waitForSpans(4);
    const inTrace = (span: ReceivedSpan) => span.traceId === CALLER_TRACE;
    expect(spans.every(inTrace)).toBe(true);
    const [root, ...otherRoots] = receiver.named('invoke_agent');
    expect(otherRoots).toEqual([]);
    expect(root).toMatchObject({ parentSpanId: CALLER_SPAN, kind: 2, serviceName: 'agentport-under-test' });
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.response.id': response.id, 'agentport.response.status': 'completed',
      'gen_ai.usage.input_tokens': 65, 'gen_ai.usage.output_tokens': 15,
    });

    const calls = receiver.named('chat ');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({ parentSpanId: root!.spanId, kind: 3 });
      expect(call.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'vllm' });
    }
    expect(calls.map((call) => call.attributes['gen_ai.usage.output_tokens'])).toEqual([9, 6]);
    expect(calls.map((call) => call.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_calls'], ['stop']]);
    // vLLM got each call's own span as its parent.
    expect(fake.chatRequests.map((request) => traceparentOf(request.headers.traceparent))).toEqual(
      calls.map((call) => ({ traceId: CALLER_TRACE, spanId: call.spanId })),
    );

    const [lookup] = receiver.named('execute_tool');
    expect(lookup).toMatchObject({ name: 'execute_tool lookup', parentSpanId: root!.spanId, kind: 1 });
    expect(lookup!.attributes).toMatchObject({ 'gen_ai.tool.name': 'lookup', 'gen_ai.tool.type': 'extension' });
    // The MCP server got the tool call's span in `params._meta`, as the MCP conventions say.
    expect(mcp.callMetas.map((meta) => traceparentOf(meta?.traceparent as string | undefined))).toEqual([{ traceId: CALLER_TRACE, spanId: lookup!.spanId }]);
  });
});
