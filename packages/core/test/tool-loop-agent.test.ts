import { describe, expect, it } from 'vitest';
import {
  type AgentEvent, type AgentRun, type FunctionCallOutputItem, type Item, type MessageItem, type ServerTool,
  type Tool, ToolLoopAgent, ToolRegistry, newId,
} from '../src/index.js';
import { ScriptedModel, type ScriptedStep } from '../src/testing/scripted-model.js';
import { collect, expectWellFormed, outputItems } from './agent-event-checks.js';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

function userInput(text: string): Item[] {
  return [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text }] }];
}

function run(partial: Partial<AgentRun> = {}): AgentRun {
  return { history: [], input: userInput('hello'), ...partial };
}

function ctx(signal = new AbortController().signal) {
  return { signal, tenant: 't1', responseId: newId('response') };
}

function serverTool(name: string, execute: ServerTool['execute']): ServerTool {
  return { name, description: `the ${name} tool`, parameters: weatherSchema, execution: 'server', execute };
}

function textOf(item: Item | undefined): string {
  const message = item as MessageItem;
  return message.content.map((part) => (part.type === 'output_text' ? part.text : '')).join('');
}

async function runAgent(steps: ScriptedStep[], partial: Partial<AgentRun> = {}, agentOptions: Partial<ConstructorParameters<typeof ToolLoopAgent>[0]> = {}) {
  const model = new ScriptedModel(steps);
  const agent = new ToolLoopAgent({ name: 'test-agent', model, ...agentOptions });
  const events = await collect(agent.run(run(partial), ctx()));
  expectWellFormed(events);
  return { model, events, items: outputItems(events), terminal: events.at(-1)! };
}

describe('ToolLoopAgent', () => {
  it('answers with text only: one message item, streamed in deltas, run completed', async () => {
    const { events, items, terminal } = await runAgent([{ parts: [{ type: 'reasoning', text: 'think' }, { type: 'text', text: 'Hello there, friend' }] }]);
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(textOf(items[1])).toBe('Hello there, friend');
    const deltas = events.filter((e) => e.type === 'text.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello there, friend');
    expect(terminal.type).toBe('completed');
  });

  it('runs one server tool and feeds its output back to the model', async () => {
    const calls: unknown[] = [];
    const weather = serverTool('weather', async (args) => {
      calls.push(args);
      return { output: 'sunny, 21C' };
    });
    const { model, items, terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'It is sunny in Oslo.' }] },
    ], { tools: [weather] });
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(items.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'message']);
    expect((items[1] as FunctionCallOutputItem).output).toBe('sunny, 21C');
    expect(terminal.type).toBe('completed');
    const second = model.requests[1]!;
    expect(second.messages.at(-2)).toMatchObject({ role: 'assistant', toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] });
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', content: 'sunny, 21C' });
  });

  it('runs two server tool calls of one step in parallel and keeps their items in call order', async () => {
    let started = 0;
    let releaseBoth!: () => void;
    const bothStarted = new Promise<void>((resolve) => { releaseBoth = resolve; });
    const weather = serverTool('weather', async (args) => {
      started += 1;
      if (started === 2) releaseBoth();
      // Each call waits until both have started: this finishes only if they run at once.
      await bothStarted;
      return { output: `weather in ${(args as { city: string }).city}` };
    });
    const { items, terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }, { type: 'tool-call', name: 'weather', input: { city: 'Rome' } }] },
      { parts: [{ type: 'text', text: 'done' }] },
    ], { tools: [weather] });
    expect(items.map((item) => item.type)).toEqual(['function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
    expect(items.slice(2, 4).map((item) => (item as FunctionCallOutputItem).output)).toEqual(['weather in Oslo', 'weather in Rome']);
    expect((items[2] as FunctionCallOutputItem).call_id).toBe((items[0] as { call_id: string }).call_id);
    expect(terminal.type).toBe('completed');
  });

  it('runs calls one at a time when parallel tool calls are off', async () => {
    let running = 0;
    let maxRunning = 0;
    const weather = serverTool('weather', async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return { output: 'ok' };
    });
    await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'A' } }, { type: 'tool-call', name: 'weather', input: { city: 'B' } }] },
      { parts: [{ type: 'text', text: 'done' }] },
    ], { tools: [weather], parallelToolCalls: false });
    expect(maxRunning).toBe(1);
  });

  it('feeds a tool error back to the model as the tool output, and goes on', async () => {
    const broken = serverTool('weather', async () => { throw new Error('station offline'); });
    const { model, items, terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'The station is offline.' }] },
    ], { tools: [broken] });
    expect((items[1] as FunctionCallOutputItem).output).toBe('Error: station offline');
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Error: station offline' });
    expect(terminal.type).toBe('completed');
  });

  it('ends a tool that runs past its time limit and tells the model it timed out', async () => {
    let sawAbort = false;
    const slow = serverTool('weather', (_args, toolCtx) => new Promise((_, reject) => {
      toolCtx.signal.addEventListener('abort', () => { sawAbort = true; reject(toolCtx.signal.reason); });
    }));
    const { items, terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'It took too long.' }] },
    ], {}, { tools: [slow], toolPolicy: { policies: { weather: { timeoutMs: 30 } } } });
    expect((items[1] as FunctionCallOutputItem).output).toBe('Error: tool "weather" timed out after 30 ms');
    expect(sawAbort).toBe(true);
    expect(terminal.type).toBe('completed');
  });

  it('caps a tool output at the policy limit', async () => {
    const registry = new ToolRegistry([], { defaults: { maxOutputChars: 10 } });
    const chatty = registry.withPolicy(serverTool('weather', async () => ({ output: 'x'.repeat(50) })));
    const { items } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'ok' }] },
    ], { tools: [chatty] });
    expect((items[1] as FunctionCallOutputItem).output).toBe(`${'x'.repeat(10)}\n[output truncated: 40 more characters]`);
  });

  it('ends the run at a client tool call, the function_call last, awaiting the caller', async () => {
    const clientTool: Tool = { name: 'weather', parameters: weatherSchema, execution: 'client' };
    const { model, items, terminal } = await runAgent([
      { parts: [{ type: 'text', text: 'Let me check.' }, { type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
    ], { tools: [clientTool] });
    expect(items.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(items[1]).toMatchObject({ name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' });
    expect(terminal.type).toBe('completed');
    expect(model.callCount).toBe(1);
  });

  it('continues from a client tool output given as input', async () => {
    const clientTool: Tool = { name: 'weather', parameters: weatherSchema, execution: 'client' };
    const history: Item[] = [
      ...userInput('weather?'),
      { type: 'function_call', id: newId('function_call'), call_id: 'call_9', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' },
    ];
    const input: Item[] = [{ type: 'function_call_output', id: newId('function_call_output'), call_id: 'call_9', output: 'rain' }];
    const { model, items } = await runAgent([{ parts: [{ type: 'text', text: 'It rains.' }] }], { history, input, tools: [clientTool] });
    expect(textOf(items[0])).toBe('It rains.');
    expect(model.requests[0]!.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', toolCallId: 'call_9', content: 'rain' },
    ]);
  });

  it('stops at maxSteps as incomplete with reason max_steps', async () => {
    const weather = serverTool('weather', async () => ({ output: 'again' }));
    const loop: ScriptedStep = { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] };
    const { model, terminal } = await runAgent([loop, loop, loop, loop], { tools: [weather], maxSteps: 2 });
    expect(terminal).toMatchObject({ type: 'incomplete', reason: 'max_steps' });
    expect(model.callCount).toBe(2);
  });

  it('stops at maxToolCalls as incomplete with reason max_tool_calls, without running the extra calls', async () => {
    let executed = 0;
    const weather = serverTool('weather', async () => { executed += 1; return { output: 'ok' }; });
    const { terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'A' } }] },
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'B' } }, { type: 'tool-call', name: 'weather', input: { city: 'C' } }] },
      { parts: [{ type: 'text', text: 'never' }] },
    ], { tools: [weather], maxToolCalls: 2 });
    expect(terminal).toMatchObject({ type: 'incomplete', reason: 'max_tool_calls' });
    expect(executed).toBe(1);
  });

  it('ends incomplete with max_output_tokens when the model hits the token limit', async () => {
    const { items, terminal } = await runAgent([{ parts: [{ type: 'text', text: 'cut off he' }], finish: 'length' }]);
    expect(terminal).toMatchObject({ type: 'incomplete', reason: 'max_output_tokens' });
    expect(textOf(items[0])).toBe('cut off he');
  });

  describe('structured output', () => {
    const output = {
      type: 'json_schema' as const, name: 'person', strict: true,
      schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false },
    };

    it('retries with the validation errors fed back, and answers once valid', async () => {
      const { model, items, terminal } = await runAgent([
        { parts: [{ type: 'text', text: '{"name":"Ada"}' }] },
        { parts: [{ type: 'structured-output', value: { name: 'Ada', age: 36 } }] },
      ], { output }, { validator: undefined });
      expect(terminal.type).toBe('completed');
      expect(items).toHaveLength(1);
      expect(JSON.parse(textOf(items[0]))).toEqual({ name: 'Ada', age: 36 });
      const feedback = model.requests[1]!.messages.at(-1)!;
      expect(feedback.role).toBe('user');
      expect(String(feedback.content)).toContain("must have required property 'age'");
    });

    it('fails with invalid_structured_output after the retries, showing no invalid answer', async () => {
      const bad: ScriptedStep = { parts: [{ type: 'text', text: 'not json' }] };
      const { model, items, terminal } = await runAgent([bad, bad, bad, bad], { output }, { maxOutputRetries: 2 });
      expect(terminal).toMatchObject({ type: 'failed', error: { code: 'invalid_structured_output' } });
      expect(model.callCount).toBe(3);
      expect(items).toEqual([]);
    });
  });

  it('asks again after invalid tool arguments, then runs the corrected call', async () => {
    const weather = serverTool('weather', async (args) => ({ output: `ok ${(args as { city: string }).city}` }));
    const { model, items, terminal } = await runAgent([
      { parts: [{ type: 'tool-call-raw', name: 'weather', arguments: '{"town":"Oslo"}' }] },
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'fine' }] },
    ], { tools: [weather] });
    expect(terminal.type).toBe('completed');
    expect(String(model.requests[1]!.messages.at(-1)!.content)).toContain('Your last tool call was invalid');
    expect((items.find((item) => item.type === 'function_call_output') as FunctionCallOutputItem).output).toBe('ok Oslo');
  });

  it('resets a forced tool choice to auto once it was honoured', async () => {
    const weather = serverTool('weather', async () => ({ output: 'ok' }));
    const { model } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
      { parts: [{ type: 'text', text: 'done' }] },
    ], { tools: [weather], toolChoice: { name: 'weather' } });
    expect(model.requests[0]!.toolChoice).toEqual({ name: 'weather' });
    expect(model.requests[1]!.toolChoice).toBe('auto');
  });

  it('cancels mid-stream: the run ends cancelled and keeps the text produced so far', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'partial answer', chunks: 2 }, { type: 'delay', ms: 60_000 }, { type: 'text', text: 'never' }] }]);
    const agent = new ToolLoopAgent({ name: 'a', model });
    const abort = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of agent.run(run(), ctx(abort.signal))) {
      events.push(event);
      if (event.type === 'text.delta' && events.filter((e) => e.type === 'text.delta').length === 2) abort.abort();
    }
    expectWellFormed(events);
    expect(events.at(-1)!.type).toBe('cancelled');
    const [message] = outputItems(events);
    expect(message).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(textOf(message)).toBe('partial answer');
  });

  it('cancels running tools: their signal aborts and the run ends cancelled', async () => {
    const abort = new AbortController();
    let toolSawAbort = false;
    const slow = serverTool('weather', (_args, toolCtx) => new Promise((_, reject) => {
      toolCtx.signal.addEventListener('abort', () => { toolSawAbort = true; reject(new Error('aborted')); });
      setImmediate(() => abort.abort());
    }));
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] }]);
    const events = await collect(new ToolLoopAgent({ name: 'a', model, tools: [slow] }).run(run(), ctx(abort.signal)));
    expectWellFormed(events);
    expect(toolSawAbort).toBe(true);
    expect(events.at(-1)!.type).toBe('cancelled');
    expect(outputItems(events).map((item) => item.type)).toEqual(['function_call']);
  });

  it('fails with the model error code when the model fails', async () => {
    const { terminal } = await runAgent([{ parts: [{ type: 'text', text: 'partial' }], error: { code: 'provider_error', message: 'upstream 500', status: 500, afterParts: true } }]);
    expect(terminal).toMatchObject({ type: 'failed', error: { code: 'provider_error', message: 'upstream 500' } });
  });

  it('sums usage over the steps', async () => {
    const weather = serverTool('weather', async () => ({ output: 'ok' }));
    const { events, terminal } = await runAgent([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }], usage: { inputTokens: 100, outputTokens: 7, totalTokens: 107 } },
      { parts: [{ type: 'text', text: 'done' }], usage: { inputTokens: 120, outputTokens: 3, totalTokens: 123 } },
    ], { tools: [weather] });
    expect(terminal).toMatchObject({ type: 'completed', usage: { inputTokens: 220, outputTokens: 10, totalTokens: 230 } });
    const perStep = events.filter((e) => e.type === 'step.completed').map((e) => (e as { usage: { totalTokens: number } }).usage.totalTokens);
    expect(perStep).toEqual([107, 123]);
  });

  it('sends instructions as the system message and the history before the input', async () => {
    const history = userInput('first');
    const { model } = await runAgent([{ parts: [{ type: 'text', text: 'ok' }] }], { history, input: userInput('second'), instructions: 'Be brief.' });
    expect(model.requests[0]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first' },
      { role: 'user', content: 'second' },
    ]);
  });
});

describe('ToolLoopAgent with a client tool bridge (in-response client tool loop)', () => {
  const clientTool: Tool = { name: 'weather', parameters: weatherSchema, execution: 'client' };
  const steps: ScriptedStep[] = [
    { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
    { parts: [{ type: 'text', text: 'It snows in Oslo.' }] },
  ];

  it('waits for the caller output, shows it as an item, and goes on in the same run', async () => {
    const model = new ScriptedModel(steps);
    const asked: string[] = [];
    const bridge = { awaitOutputs: async (calls: readonly { callId: string; name: string }[]) => {
      asked.push(...calls.map((call) => call.name));
      return calls.map((call) => ({ callId: call.callId, output: 'snow' }));
    } };
    const events = await collect(new ToolLoopAgent({ name: 'a', model }).run(run({ tools: [clientTool] }), { ...ctx(), clientTools: bridge }));
    expectWellFormed(events);
    expect(asked).toEqual(['weather']);
    const types = events.map((event) => event.type);
    expect(types.indexOf('client_tool.waiting')).toBeLessThan(types.indexOf('client_tool.received'));
    expect(outputItems(events).map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'message']);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'snow' });
    expect(events.at(-1)!.type).toBe('completed');
  });

  it('ends the run awaiting the caller when the bridge gives up (timeout)', async () => {
    const model = new ScriptedModel(steps);
    const events = await collect(new ToolLoopAgent({ name: 'a', model }).run(run({ tools: [clientTool] }), { ...ctx(), clientTools: { awaitOutputs: async () => undefined } }));
    expect(outputItems(events).map((item) => item.type)).toEqual(['function_call']);
    expect(events.at(-1)!.type).toBe('completed');
    expect(model.callCount).toBe(1);
  });

  it('ends cancelled when the run is cancelled while waiting', async () => {
    const abort = new AbortController();
    const bridge = { awaitOutputs: (_calls: unknown, signal: AbortSignal) => new Promise<undefined>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
      setImmediate(() => abort.abort());
    }) };
    const events = await collect(new ToolLoopAgent({ name: 'a', model: new ScriptedModel(steps) }).run(run({ tools: [clientTool] }), { ...ctx(abort.signal), clientTools: bridge }));
    expectWellFormed(events);
    expect(events.at(-1)!.type).toBe('cancelled');
  });
});
