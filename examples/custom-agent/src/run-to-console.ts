import { type Agent, newId } from '@agentport/core';

/** Runs an agent on one question and writes its answer to stdout as it streams. */
export async function runToConsole(agent: Agent, question: string, signal: AbortSignal = new AbortController().signal): Promise<string> {
  const input = [{ type: 'message' as const, id: newId('message'), role: 'user' as const, content: [{ type: 'input_text' as const, text: question }] }];
  let outcome = 'no terminal event';
  for await (const event of agent.run({ history: [], input }, { signal, tenant: 'local', responseId: newId('response') })) {
    if (event.type === 'text.delta') process.stdout.write(event.delta);
    if (event.type === 'completed' || event.type === 'incomplete' || event.type === 'failed' || event.type === 'cancelled') {
      outcome = event.type === 'failed' ? `failed: ${event.error.message}` : event.type;
      process.stdout.write(`\n[${outcome}; ${event.usage.totalTokens} tokens]\n`);
    }
  }
  return outcome;
}
