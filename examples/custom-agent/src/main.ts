// Runs DraftAndReviseAgent on one question: `node dist/main.js "your question"`.
// No model server is wired into this example yet, so it plays a scripted model that shows
// the two calls the agent makes; examples/vllm-agent runs the same agent on a vLLM server.
import { ScriptedModel } from '@agentport/core/testing';
import { DraftAndReviseAgent } from './draft-and-revise-agent.js';
import { runToConsole } from './run-to-console.js';

const question = process.argv[2] ?? 'What is agentport?';
const model = new ScriptedModel([
  { parts: [{ type: 'text', text: 'Draft: agentport is a TypeScript framework that runs agents on self-hosted vLLM models and serves them through an OpenAI-compatible Responses API.' }] },
  { parts: [{ type: 'text', text: 'agentport runs agents on your own vLLM models behind an OpenAI-compatible API.' }] },
]);
process.stdout.write(`Q: ${question}\n(scripted model: no model server is configured in this example)\nA: `);
const outcome = await runToConsole(new DraftAndReviseAgent(model), question);
process.exitCode = outcome === 'completed' ? 0 : 1;
