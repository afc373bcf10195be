import { createApp, TOKENS, type AnyPlugin, type ConfigOptions, type Item, type Logger, type ResponseRecord } from '@agentport/core';
import { runPersistedTurn } from './persisted-turn.js';
import { WEATHER_AGENT, weatherAgent } from './weather-agent-plugin.js';

export interface WeatherConversation {
  responses: ResponseRecord[];
  /** Everything the store holds for the second turn to continue from: both turns, in order. */
  history: Item[];
}

/**
 * Builds an app from a store plugin and the weather agent, runs two turns (the second
 * continues from the first by `previous_response_id`) and reads back what the store kept.
 * The store is the only thing that differs between a memory and a SQLite deployment.
 */
export async function runWeatherConversation(
  storePlugin: AnyPlugin, options: { config?: ConfigOptions; logger?: Logger } = {},
): Promise<WeatherConversation> {
  const app = await createApp({ plugins: [storePlugin, weatherAgent()], ...options });
  await app.start();
  try {
    const store = app.get(TOKENS.StateStore);
    const agent = app.getAll(TOKENS.Agent).find((candidate) => candidate.name === WEATHER_AGENT);
    if (!agent) throw new Error(`no agent named ${WEATHER_AGENT}`);
    const tenant = 'example-tenant';
    const first = await runPersistedTurn(store, agent, { tenant, question: 'What is the weather in Paris?' });
    const second = await runPersistedTurn(store, agent, { tenant, question: 'And tomorrow?', previousResponseId: first.id });
    const history = await store.loadHistory(tenant, { kind: 'previous_response', responseId: second.id });
    return { responses: [first, second], history: history ?? [] };
  } finally {
    await app.stop();
  }
}
