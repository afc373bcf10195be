import { type ModelConformanceScenario, runAgentModelConformance } from '@agentport/core/testing';
import { VllmAgentModel } from '../src/index.js';
import { FakeVllmServer, type FakeTurn } from '../src/testing/index.js';

/** The fake vLLM server's turn for each scenario of the suite. */
function turnFor(scenario: ModelConformanceScenario): FakeTurn {
  switch (scenario.kind) {
    case 'text':
      return { parts: [{ type: 'text', text: scenario.text }] };
    case 'reasoning-then-text':
      return { parts: [{ type: 'reasoning', text: scenario.reasoning }, { type: 'text', text: scenario.text }] };
    case 'tool-call':
      return { parts: [{ type: 'tool-call', name: scenario.toolName, input: scenario.input }] };
    case 'invalid-tool-arguments':
      return { parts: [{ type: 'tool-call-raw', name: scenario.toolName, arguments: scenario.arguments, chunks: 3 }] };
    case 'structured-output':
      return { parts: [{ type: 'structured-output', value: scenario.value }] };
    case 'provider-error':
      return { type: 'error', status: scenario.status, message: scenario.message };
    case 'length':
      return { parts: [{ type: 'text', text: scenario.text }], finish: 'length' };
    case 'slow-text':
      return { type: 'tokens', count: scenario.tokens, intervalMs: scenario.delayMs };
  }
}

const opened: Array<{ server: FakeVllmServer; model: VllmAgentModel }> = [];

runAgentModelConformance(
  'VllmAgentModel against FakeVllmServer',
  async (scenario) => {
    // Every request of the scenario gets the same turn, so a retried 500 fails again.
    const server = await new FakeVllmServer({ handler: () => turnFor(scenario) }).start();
    const model = new VllmAgentModel({ baseUrl: server.url, retryInitialDelayMs: 1, retryMaxDelayMs: 2 });
    opened.push({ server, model });
    return model;
  },
  {
    teardown: async () => {
      for (const { server, model } of opened.splice(0)) {
        model.close();
        await server.close();
      }
    },
  },
);
