// The Codex CLI pointed at an agentport gateway, over HTTP or over WebSocket:
//   node dist/main.js --base-url http://127.0.0.1:8080/v1 --transport websocket -- exec "add a test for parse()"
//   node dist/main.js                      # interactive Codex on the gateway's first model, over HTTP
// Options: --base-url (or AGENTPORT_BASE_URL), --model (default: the gateway's first model),
// --transport http|websocket, --codex-home DIR (default: a new temporary directory, so your
// ~/.codex stays untouched). The API key comes from AGENTPORT_API_KEY (any value for an open gateway).
// Everything after `--` goes to Codex as it is.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundledCodexVersion, codexCommand } from './codex-command.js';
import { type CodexTransport, fetchCodexCatalog, writeCodexHome } from './codex-home.js';

const API_KEY_ENV = 'AGENTPORT_API_KEY';

const { values: flags, positionals: codexArgs } = parseArgs({
  allowPositionals: true,
  options: {
    'base-url': { type: 'string' },
    model: { type: 'string' },
    transport: { type: 'string', default: 'http' },
    'codex-home': { type: 'string' },
  },
});
const transport = flags.transport;
if (transport !== 'http' && transport !== 'websocket') {
  process.stderr.write(`--transport must be http or websocket (got ${transport})\n`);
  process.exit(2);
}
const baseUrl = (flags['base-url'] ?? process.env.AGENTPORT_BASE_URL ?? 'http://127.0.0.1:8080/v1').replace(/\/+$/, '');
const apiKey = process.env[API_KEY_ENV] ?? 'no-key';

const catalog = await fetchCodexCatalog(baseUrl, apiKey, bundledCodexVersion(), AbortSignal.timeout(15_000));
const model = flags.model ?? catalog.models[0]?.slug;
if (!model) {
  process.stderr.write(`${baseUrl} serves no model yet\n`);
  process.exit(1);
}
const codexHome = flags['codex-home'] ?? await mkdtemp(join(tmpdir(), 'agentport-codex-'));
const configPath = await writeCodexHome({ codexHome, baseUrl, model, transport: transport as CodexTransport, apiKeyEnv: API_KEY_ENV, catalog });
process.stderr.write(`Codex on ${model} at ${baseUrl} over ${transport} (config: ${configPath})\n`);

const { command, args } = codexCommand();
const codex = spawn(command, [...args, ...codexArgs], {
  stdio: 'inherit',
  env: { ...process.env, CODEX_HOME: codexHome, [API_KEY_ENV]: apiKey },
});
codex.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
// Stopping this script stops Codex too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => codex.kill(signal));
