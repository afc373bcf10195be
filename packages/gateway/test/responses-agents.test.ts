import type { Agent, AgentEvent, AgentRun, RunContext } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { useGateways, withoutParsed } from '../src/testing/gateway-harness.js';
import { checkResponseStream } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

/** An agent that plays the given events, then throws `error` if given. */
function scriptedAgent(name: string, events: AgentEvent[], error?: Error): Agent {
  return {
    name,
    async *run(_run: AgentRun, _ctx: RunContext) {
      for (const event of events) yield event;
      if (error) throw error;
    },
  };
}

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

describe('custom agents', () => {
  it('serves a registered agent under its own model name', async () => {
    const echo = scriptedAgent('echo-agent', [
      { type: 'item.added', item: { type: 'message', id: 'msg_echo1', role: 'assistant', status: 'in_progress', content: [] } },
      { type: 'text.delta', itemId: 'msg_echo1', contentIndex: 0, delta: 'echo!' },
      { type: 'item.done', item: { type: 'message', id: 'msg_echo1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'echo!', annotations: [], logprobs: [] }] } },
      { type: 'completed', usage },
    ]);
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'from the model' }] }], agents: [echo] });
    const client = harness.client();

    const fromAgent = await client.responses.stream({ model: 'echo-agent', input: 'hi' }).finalResponse();
    const fromModel = await client.responses.create({ model: 'anything-else', input: 'hi' });
    expect(fromAgent.output_text).toBe('echo!');
    expect(fromAgent.model).toBe('echo-agent');
    expect(fromModel.output_text).toBe('from the model');
  });

  it('ends a run whose agent throws mid-item with response.failed, the open items closed and stored', async () => {
    const crashing = scriptedAgent('crashing', [
      { type: 'item.added', item: { type: 'message', id: 'msg_crash1', role: 'assistant', status: 'in_progress', content: [] } },
      { type: 'text.delta', itemId: 'msg_crash1', contentIndex: 0, delta: 'half an ans' },
    ], new Error('the agent broke'));
    const harness = await startGateway({ agents: [crashing] });
    const events = await readSseEvents(await harness.fetch('/v1/responses', { body: { model: 'crashing', input: 'hi', stream: true } }));

    const { terminal } = checkResponseStream(events);
    expect(terminal.type).toBe('response.failed');
    expect(terminal.response.error).toMatchObject({ code: 'server_error' });
    expect(terminal.response.output).toMatchObject([{ id: 'msg_crash1', status: 'incomplete', content: [{ text: 'half an ans' }] }]);
    const stored = await (await harness.fetch(`/v1/responses/${terminal.response.id}`)).json();
    expect(stored).toEqual(terminal.response);
  });

  it('closes an item that never received a delta when the agent throws', async () => {
    const crashing = scriptedAgent('crashing', [
      { type: 'item.added', item: { type: 'reasoning', id: 'rs_crash2', summary: [], content: [] } },
    ], new Error('the agent broke'));
    const harness = await startGateway({ agents: [crashing] });
    const final = await harness.client().responses.stream({ model: 'crashing', input: 'hi' }).finalResponse();

    expect(final.status).toBe('failed');
    expect(final.output).toMatchObject([{ id: 'rs_crash2', type: 'reasoning' }]);
    const stored = await harness.client().responses.retrieve(final.id);
    expect(withoutParsed(stored)).toEqual(withoutParsed(final));
  });

  it('ends a run whose agent stops without a terminal event with response.failed', async () => {
    const quitter = scriptedAgent('quitter', [
      { type: 'item.added', item: { type: 'function_call', id: 'fc_quit1', call_id: 'call_q', name: 'f', arguments: '', status: 'in_progress' } },
      { type: 'arguments.delta', itemId: 'fc_quit1', delta: '{"a":' },
    ]);
    const harness = await startGateway({ agents: [quitter] });
    const events = await readSseEvents(await harness.fetch('/v1/responses', { body: { model: 'quitter', input: 'hi', stream: true } }));

    const { terminal } = checkResponseStream(events);
    expect(terminal.type).toBe('response.failed');
    expect(terminal.response.output).toMatchObject([{ id: 'fc_quit1', status: 'incomplete', arguments: '{"a":' }]);
  });
});
