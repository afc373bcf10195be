// Runs the weather agent for two turns, kept in the memory store and then in SQLite
// (./data/agentport.db, or AGENTPORT_STORE__PATH): `node dist/main.js`.
// The only difference between the two runs is the store plugin.
import { memoryStore, type AnyPlugin, type Item } from '@agentport/core';
import { sqliteStore } from '@agentport/store-sqlite';
import { runWeatherConversation } from './weather-conversation.js';

async function runOn(label: string, storePlugin: AnyPlugin): Promise<void> {
  const { responses, history } = await runWeatherConversation(storePlugin);
  process.stdout.write(`\n${label}: ${responses.map((r) => `${r.id} ${r.status}`).join(', ')}\n`);
  for (const item of history) process.stdout.write(`  ${item.type.padEnd(22)} ${describe(item)}\n`);
}

function describe(item: Item): string {
  switch (item.type) {
    case 'message': return item.content.map((part) => ('text' in part ? part.text : '')).join('');
    case 'function_call': return `${item.name}(${item.arguments})`;
    case 'function_call_output': return item.output;
    default: return '';
  }
}

await runOn('memoryStore()', memoryStore());
await runOn('sqliteStore()', sqliteStore());
