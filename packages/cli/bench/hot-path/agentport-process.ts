/**
 * agentport as `agentport serve` composes it (vLLM adapter, the store `--db` names: a SQLite temp file or a PostgreSQL URL, the
 * gateway, the shipped defaults unless overridden), in its own process. Config overrides come
 * as one JSON argument `{ "gateway": {…}, "vllm": {…} }`. Sends `{ url }` to the parent once
 * it serves (and `probeUrl` with the probe thread on).
 *
 *   node agentport-process.ts <upstream /v1 url> <sqlite path or postgres:// url> <api key> [overrides JSON]
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@agentport/cli';

const [upstream = '', db = '', apiKey = '', overrides = '{}'] = process.argv.slice(2);
const configFile = join(tmpdir(), `agentport-bench-${process.pid}.config.json`);
writeFileSync(configFile, overrides);
const handle = await serve(
  ['--upstream', upstream, '--db', db, '--port', '0', '--api-key', apiKey, '--config', configFile],
  { ...process.env, AGENTPORT_LOG__LEVEL: process.env.AGENTPORT_LOG__LEVEL ?? 'warn' },
);
process.send?.({ url: handle?.url, probeUrl: handle?.probeUrl });
process.on('disconnect', () => {
  // Stopping (not killing) lets `--cpu-prof` write its profile on exit.
  void (handle?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
