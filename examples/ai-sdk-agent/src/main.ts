// The custom agent of examples/custom-agent on an AI SDK provider: any OpenAI-compatible server
// (vLLM, llama.cpp, Ollama, …) through @ai-sdk/openai-compatible, made an agentport model by fromAiSdk.
//   OPENAI_COMPATIBLE_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_COMPATIBLE_MODEL=Qwen/Qwen3-8B node dist/main.js "your question"
import { fromAiSdk } from '@agentport/ai-sdk';
import { DraftAndReviseAgent, runToConsole } from '@agentport/example-custom-agent';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';

const question = process.argv[2] ?? 'Explain write-ahead logging in two sentences.';
const provider = createOpenAICompatible({
  name: 'openai-compatible',
  baseURL: process.env.OPENAI_COMPATIBLE_BASE_URL ?? 'http://127.0.0.1:8000/v1',
  ...(process.env.OPENAI_COMPATIBLE_API_KEY ? { apiKey: process.env.OPENAI_COMPATIBLE_API_KEY } : {}),
  // Without it the server sends no token counts in a stream.
  includeUsage: true,
});
const model = fromAiSdk(provider.chatModel(process.env.OPENAI_COMPATIBLE_MODEL ?? 'Qwen/Qwen3-8B'));

process.stdout.write(`Q: ${question}\nA: `);
const outcome = await runToConsole(new DraftAndReviseAgent(model), question);
process.exitCode = outcome === 'completed' ? 0 : 1;
