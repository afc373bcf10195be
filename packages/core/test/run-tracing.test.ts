import { describe, expect, it } from 'vitest';
import { type AgentRun, type Item, type ServerTool, ToolLoopAgent, newId } from '../src/index.js';
import { RecordingTracer } from '../src/testing/recording-tracer.js';
import { ScriptedModel, type ScriptedStep } from '../src/testing/scripted-model.js';
import { collect } from './agent-event-checks.js';

const citySchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

function userInput(text: string): Item[] {
  return [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text }] }];
}

function tool(name: string, execute: ServerTool['execute']): ServerTool {
  return { name, description: `the ${name} tool`, parameters: citySchema, execution: 'server', execute };
}

async function tracedRun(steps: ScriptedStep[], tools: ServerTool[], run: Partial<AgentRun> = {}) {
  const tracer = new RecordingTracer();
  const model = new ScriptedModel(steps, { id: 'vllm:Qwen/Qwen3-8B' });
  const agent = new ToolLoopAgent({ name: 'traced', model });
  const root = tracer.startSpan('invoke_agent traced', { kind: 'server' });
  const events = await collect(agent.run({ history: [], input: userInput('weather?'), tools, ...run }, {
    signal: new AbortController().signal, tenant: 't1', responseId: newId('response'), span: root,
  }));
  root.end();
  return { tracer, model, events, rootId: tracer.spans[0]!.id };
}

describe('a traced run', () => {
  it('has a client span per model call and an internal span per tool call, children of the run, with the GenAI attributes', async () => {
    const weather = tool('weather', async () => ({ output: 'sunny' }));
    const { tracer, model, rootId } = await tracedRun([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }], usage: { inputTokens: 30, outputTokens: 7, reasoningTokens: 2 } },
      { parts: [{ type: 'text', text: 'It is sunny.' }], usage: { inputTokens: 45, outputTokens: 4, cachedInputTokens: 30 } },
    ], [weather], { temperature: 0.2, maxOutputTokens: 256 });

    const calls = tracer.named('chat ');
    expect(calls.map((span) => span.name)).toEqual(['chat Qwen/Qwen3-8B', 'chat Qwen/Qwen3-8B']);
    for (const span of calls) {
      expect(span).toMatchObject({ kind: 'client', parentId: rootId, ended: true });
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'vllm', 'gen_ai.request.model': 'Qwen/Qwen3-8B',
        'gen_ai.request.temperature': 0.2, 'gen_ai.request.max_tokens': 256,
      });
      expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
    }
    expect(calls[0]!.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.output_tokens': 7, 'gen_ai.usage.reasoning.output_tokens': 2, 'gen_ai.response.finish_reasons': ['tool_calls'],
    });
    expect(calls[1]!.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 45, 'gen_ai.usage.cache_read.input_tokens': 30, 'gen_ai.response.finish_reasons': ['stop'],
    });

    const [toolSpan, ...more] = tracer.named('execute_tool');
    expect(more).toEqual([]);
    expect(toolSpan).toMatchObject({
      name: 'execute_tool weather', kind: 'internal', parentId: rootId, ended: true,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'weather', 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.type': 'extension' },
    });
    expect(toolSpan!.error).toBeUndefined();
    // Each model call carried its own span to the provider.
    expect(model.callHeaders.map((headers) => headers.traceparent)).toEqual(calls.map((span) => span.id));
  });

  it("marks a tool that fails and a model call that fails with the error's code", async () => {
    const broken = tool('weather', async () => { throw Object.assign(new Error('no network'), { code: 'network_denied' }); });
    const { tracer } = await tracedRun([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [], error: { code: 'context_length_exceeded', message: 'too long' } },
    ], [broken]);

    expect(tracer.named('execute_tool')[0]!.error).toEqual({ code: 'network_denied', message: 'no network' });
    const failedCall = tracer.named('chat ')[1]!;
    expect(failedCall.error).toMatchObject({ code: 'context_length_exceeded' });
    expect(failedCall.ended).toBe(true);
    expect(tracer.spans.every((span) => span.ended)).toBe(true);
  });

  it('sends no trace headers and makes no span when the run has no span', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'hi' }] }]);
    const agent = new ToolLoopAgent({ name: 'plain', model });
    await collect(agent.run({ history: [], input: userInput('hi') }, { signal: new AbortController().signal, tenant: 't1', responseId: newId('response') }));
    expect(model.callHeaders).toEqual([{}]);
  });
});
