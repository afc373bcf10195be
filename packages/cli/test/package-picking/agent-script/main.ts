// Project (b) of the package-picking test: a script that picks core and the vLLM adapter only and
// runs core's agent loop over a vLLM server (the test's fake one, whose URL is argv[2]). It runs
// from a temporary folder where both packages are installed from their packed tarballs.
import { ToolLoopAgent, newId, type AgentEvent, type Item } from '@agentport/core';
import { VllmAgentModel } from '@agentport/vllm-adapter';

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: main.ts <vLLM base URL>');

const model = new VllmAgentModel({ baseUrl, model: 'fake-model', maxRetries: 0 });
const agent = new ToolLoopAgent({ name: 'assistant', model, maxSteps: 2 });
const input: Item[] = [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'Say it.' }] }];

let text = '';
let end: AgentEvent['type'] | undefined;
try {
  for await (const event of agent.run({ history: [], input }, { signal: new AbortController().signal, tenant: 'me', responseId: newId('response') })) {
    if (event.type === 'text.delta') text += event.delta;
    if (event.type === 'completed' || event.type === 'incomplete' || event.type === 'failed' || event.type === 'cancelled') end = event.type;
  }
} finally {
  model.close();
}
console.log(JSON.stringify({ end, text }));
