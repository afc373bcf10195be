/**
 * agentport as `agentport serve` composes it (vLLM adapter, SQLite store on a temp file, the
 * gateway, the shipped defaults unless overridden), in its own process. Config overrides come
 * as one JSON argument `{ "gateway": {…}, "vllm": {…} }`. Sends `{ url }` to the parent once
 * it serves.
 *
 *   node agentport-process.ts <upstream /v1 url> <sqlite path> <api key> [overrides JSON]
 */
import { writeFileSync } from 'node:fs';
import { serve } from '@agentport/cli';

const [upstream = '', db = '', apiKey = '', overrides = '{}'] = process.argv.slice(2);
const configFile = `${db}.config.json`;
writeFileSync(configFile, overrides);
const handle = await serve(
  ['--upstream', upstream, '--db', db, '--port', '0', '--api-key', apiKey, '--config', configFile],
  { ...process.env, AGENTPORT_LOG__LEVEL: process.env.AGENTPORT_LOG__LEVEL ?? 'warn' },
);
process.send?.({ url: handle?.url });
process.on('disconnect', () => {
  // Stopping (not killing) lets `--cpu-prof` write its profile on exit.
  void (handle?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
