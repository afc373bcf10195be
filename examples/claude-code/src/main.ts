// Claude Code pointed at an agentport gateway's Anthropic Messages API (`POST /v1/messages`):
//   node dist/main.js --base-url http://127.0.0.1:8080 --model Qwen/Qwen3-8B -- -p "fix the failing test"
//   node dist/main.js                      # interactive Claude Code on the gateway's first model
// Options: --base-url (or AGENTPORT_BASE_URL), --model (default: the gateway's first model),
// --config-dir DIR (default: a new temporary directory, so your ~/.claude stays untouched).
// The API key comes from AGENTPORT_API_KEY (any value for an open gateway). Everything after
// `--` goes to Claude Code as it is.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { claudeCommand } from './claude-command.js';
import { claudeGatewayEnv } from './claude-env.js';

const API_KEY_ENV = 'AGENTPORT_API_KEY';

const { values: flags, positionals: claudeArgs } = parseArgs({
  allowPositionals: true,
  options: {
    'base-url': { type: 'string' },
    model: { type: 'string' },
    'config-dir': { type: 'string' },
  },
});
const baseUrl = (flags['base-url'] ?? process.env.AGENTPORT_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '').replace(/\/v1$/, '');
const apiKey = process.env[API_KEY_ENV] ?? 'no-key';
const model = flags.model ?? await firstModel(baseUrl, apiKey);
const configDir = flags['config-dir'] ?? await mkdtemp(join(tmpdir(), 'agentport-claude-'));
process.stderr.write(`Claude Code on ${model} at ${baseUrl} (config: ${configDir})\n`);

const { command, args } = claudeCommand();
const claude = spawn(command, [...args, ...claudeArgs], {
  stdio: 'inherit',
  env: { ...process.env, ...claudeGatewayEnv({ baseUrl, apiKey, model, configDir }) },
});
claude.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
// Stopping this script stops Claude Code too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => claude.kill(signal));

/** The gateway's first model (`GET /v1/models`), for a gateway in front of one vLLM. */
async function firstModel(root: string, key: string): Promise<string> {
  const response = await fetch(`${root}/v1/models`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`GET ${root}/v1/models answered ${response.status}: ${await response.text()}`);
  const { data } = await response.json() as { data: Array<{ id: string }> };
  const first = data[0]?.id;
  if (!first) throw new Error(`${root} serves no model yet`);
  return first;
}
