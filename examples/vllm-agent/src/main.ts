// The custom agent of examples/custom-agent on a real vLLM server:
//   AGENTPORT_VLLM__BASE_URL=http://127.0.0.1:8000/v1 node dist/main.js "your question"
// Every AGENTPORT_VLLM__* setting applies (model, API key, timeouts, chat_template_kwargs).
import { createApp, TOKENS } from '@agentport/core';
import { DraftAndReviseAgent, runToConsole } from '@agentport/example-custom-agent';
import { vllm } from '@agentport/vllm-adapter';

const question = process.argv[2] ?? 'Explain write-ahead logging in two sentences.';
const app = await createApp({ plugins: [vllm()] });
await app.start();
try {
  process.stdout.write(`Q: ${question}\nA: `);
  const outcome = await runToConsole(new DraftAndReviseAgent(app.get(TOKENS.AgentModel)), question);
  process.exitCode = outcome === 'completed' ? 0 : 1;
} finally {
  await app.stop();
}
