import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How Codex reaches the gateway: HTTP (SSE) only, or one WebSocket per session (HTTP as fallback). */
export type CodexTransport = 'http' | 'websocket';

export interface CodexHomeOptions {
  /** Written into; Codex reads `config.toml` from here when `CODEX_HOME` points at it. */
  codexHome: string;
  /** The gateway's OpenAI root, e.g. `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  model: string;
  transport: CodexTransport;
  /** The env var Codex reads the gateway's API key from. */
  apiKeyEnv: string;
  /** The gateway's Codex catalog (`GET /v1/models?client_version=…`), stored as Codex's static catalog. */
  catalog: CodexCatalog;
}

/** `{ models: [ModelInfo…] }`, as the gateway serves it to Codex. */
export interface CodexCatalog {
  models: Array<{ slug: string; [field: string]: unknown }>;
}

/** The provider's name in Codex's config. */
export const PROVIDER_NAME = 'agentport';

/**
 * The gateway's catalog for Codex. Codex only fetches `/v1/models` itself with some kinds of
 * auth and keeps it for minutes; without it, it falls back to generic metadata and offers no
 * `apply_patch`. So the catalog is fetched once here and given to Codex as a file.
 */
export async function fetchCodexCatalog(baseUrl: string, apiKey: string, clientVersion: string, signal?: AbortSignal): Promise<CodexCatalog> {
  const response = await fetch(`${baseUrl}/models?client_version=${encodeURIComponent(clientVersion)}`, {
    headers: { authorization: `Bearer ${apiKey}` },
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw new Error(`GET ${baseUrl}/models answered ${response.status}: ${await response.text()}`);
  const body = await response.json() as Partial<CodexCatalog>;
  if (!Array.isArray(body.models)) throw new Error(`GET ${baseUrl}/models did not answer Codex's shape ({ models: [...] }); is it an agentport gateway?`);
  return { models: body.models };
}

/** `config.toml` pointing Codex at the gateway. */
export function codexConfigToml(options: Omit<CodexHomeOptions, 'catalog' | 'codexHome'> & { catalogPath: string }): string {
  const lines = [
    `model = ${tomlString(options.model)}`,
    `model_provider = ${tomlString(PROVIDER_NAME)}`,
    `model_catalog_json = ${tomlString(options.catalogPath)}`,
    '',
    `[model_providers.${PROVIDER_NAME}]`,
    `name = ${tomlString(PROVIDER_NAME)}`,
    `base_url = ${tomlString(options.baseUrl)}`,
    'wire_api = "responses"',
    `env_key = ${tomlString(options.apiKeyEnv)}`,
    'requires_openai_auth = false',
    `supports_websockets = ${options.transport === 'websocket'}`,
    '',
  ];
  return lines.join('\n');
}

/** Writes `config.toml` and `model_catalog.json` into `codexHome`; returns the config's path. */
export async function writeCodexHome(options: CodexHomeOptions): Promise<string> {
  await mkdir(options.codexHome, { recursive: true });
  const catalogPath = join(options.codexHome, 'model_catalog.json');
  await writeFile(catalogPath, `${JSON.stringify(options.catalog, null, 2)}\n`);
  const configPath = join(options.codexHome, 'config.toml');
  await writeFile(configPath, codexConfigToml({ ...options, catalogPath }));
  return configPath;
}

/** A TOML basic string: JSON's escapes are TOML's for every character a path or URL holds. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}
