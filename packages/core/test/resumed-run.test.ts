import { describe, expect, it } from 'vitest';
import { type AgentRun, type FunctionCallItem, type FunctionCallOutputItem, type Item, type ServerTool, ToolLoopAgent, newId } from '../src/index.js';
import { ScriptedModel } from '../src/testing/scripted-model.js';
import { collect, expectWellFormed, outputItems } from './agent-event-checks.js';

const citySchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

function weatherTool(calls: unknown[]): ServerTool {
  return {
    name: 'weather', description: 'the weather', parameters: citySchema, execution: 'server',
    execute: async (args) => {
      calls.push(args);
      return { output: 'sunny' };
    },
  };
}

const input: Item[] = [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'weather in Oslo?' }] }];
const call: FunctionCallItem = { type: 'function_call', id: newId('function_call'), call_id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' };
const output: FunctionCallOutputItem = { type: 'function_call_output', id: newId('function_call_output'), call_id: 'call_1', output: 'sunny', status: 'completed' };

async function resume(stored: Item[], partial: Partial<AgentRun> = {}) {
  const calls: unknown[] = [];
  const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'Sunny in Oslo.' }] }]);
  const agent = new ToolLoopAgent({ name: 'a', model });
  const events = await collect(agent.run({ history: [], input, tools: [weatherTool(calls)], resume: { output: stored }, ...partial }, { signal: new AbortController().signal, tenant: 't', responseId: newId('response') }));
  expectWellFormed(events);
  return { calls, model, events, shown: outputItems(events) };
}

// A run resumed after its process stopped (the gateway's durable background responses).
describe('a resumed run', () => {
  it('goes on from its stored output: the tool whose result is stored is not run again, nothing stored is shown again', async () => {
    const { calls, model, shown, events } = await resume([call, output]);
    expect(calls).toEqual([]);
    expect(shown.map((item) => item.type)).toEqual(['message']);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]!.messages.slice(-2)).toMatchObject([
      { role: 'assistant', toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', content: 'sunny' },
    ]);
    // The step numbers go on from the steps taken before.
    expect(events.find((event) => event.type === 'step.started')).toEqual({ type: 'step.started', step: 2 });
    expect(events.at(-1)!.type).toBe('completed');
  });

  it('runs a call the stop left without its output once, then asks the model', async () => {
    const { calls, model, shown } = await resume([call]);
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(shown.map((item) => item.type)).toEqual(['function_call_output', 'message']);
    expect(model.requests[0]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'sunny' });
  });

  it('counts the step that asked for an unanswered call as taken', async () => {
    const { calls, model, events } = await resume([call], { maxSteps: 1 });
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(model.requests).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'incomplete', reason: 'max_steps' });
  });

  it('counts the steps taken before against maxSteps', async () => {
    const { model, events } = await resume([call, output], { maxSteps: 1 });
    expect(model.requests).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'incomplete', reason: 'max_steps' });
  });
});
