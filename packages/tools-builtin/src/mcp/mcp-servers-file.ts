import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@agentport/core';
import { MCP_SERVER_LABEL_PATTERN, type McpServerDefinition } from './mcp-server-definition.js';

/** The env var that names the file, for messages. */
const FILE_SETTING = 'AGENTPORT_MCP__SERVERS_FILE';

const HTTP_KEYS = new Set(['url', 'headers', 'type', 'transport']);
const STDIO_KEYS = new Set(['command', 'args', 'env', 'cwd', 'type', 'transport']);
const HTTP_TRANSPORT_NAMES = new Set(['http', 'streamable_http', 'streamable-http', 'streamableHttp']);

/**
 * Reads the servers file: `{"mcpServers": {label: {url, headers?} | {command, args?, env?, cwd?}}}`.
 * An optional `type` (or `transport`) may say `http` or `stdio` as other MCP hosts write it;
 * `sse` (the old transport) is refused. A relative `cwd` is taken from the file's folder.
 * Every problem is reported at once, as a `ConfigError`.
 */
export async function readMcpServersFile(path: string): Promise<McpServerDefinition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${FILE_SETTING}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${FILE_SETTING}: ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseMcpServers(parsed, { source: path, baseDir: dirname(resolve(path)) });
}

/** Checks the parsed servers file; `source` names it in messages, `baseDir` anchors relative `cwd`s. */
export function parseMcpServers(parsed: unknown, where: { source: string; baseDir: string }): McpServerDefinition[] {
  const problems: string[] = [];
  const problem = (at: string, message: string) => problems.push(`${FILE_SETTING}: ${where.source}: ${at} ${message}`);
  if (!isObject(parsed) || !isObject(parsed.mcpServers)) {
    throw new ConfigError([`${FILE_SETTING}: ${where.source} must hold an object {"mcpServers": {"<label>": {…}}}`]);
  }
  const definitions: McpServerDefinition[] = [];
  for (const [label, entry] of Object.entries(parsed.mcpServers)) {
    const at = `mcpServers.${label}`;
    if (!MCP_SERVER_LABEL_PATTERN.test(label)) problem(at, 'has a label that is not 1-64 letters, digits, "_" or "-"');
    if (!isObject(entry)) {
      problem(at, 'must be an object with "url" or "command"');
      continue;
    }
    const declared = typeof entry.type === 'string' ? entry.type : typeof entry.transport === 'string' ? entry.transport : undefined;
    if (declared === 'sse') {
      problem(at, 'uses the SSE transport, which is not supported: use the server\'s Streamable HTTP endpoint');
      continue;
    }
    const hasUrl = 'url' in entry;
    const hasCommand = 'command' in entry;
    if (hasUrl === hasCommand) {
      problem(at, hasUrl ? 'has both "url" and "command": give one' : 'needs "url" (Streamable HTTP) or "command" (stdio)');
      continue;
    }
    const allowed = hasUrl ? HTTP_KEYS : STDIO_KEYS;
    const unknown = Object.keys(entry).filter((key) => !allowed.has(key));
    if (unknown.length > 0) problem(at, `has keys that ${hasUrl ? 'an HTTP' : 'a stdio'} server does not take: ${unknown.join(', ')}`);
    if (declared !== undefined && (hasUrl ? !HTTP_TRANSPORT_NAMES.has(declared) : declared !== 'stdio')) {
      problem(at, `says transport "${declared}", which does not fit ${hasUrl ? '"url"' : '"command"'}`);
    }
    const before = problems.length;
    if (hasUrl) {
      const url = parseUrl(entry.url);
      if (!url) problem(`${at}.url`, 'must be an absolute http:// or https:// URL');
      const headers = stringMap(entry.headers, `${at}.headers`, problem);
      if (problems.length === before && url) definitions.push({ transport: 'streamable_http', label, url, headers });
    } else {
      const command = entry.command;
      if (typeof command !== 'string' || command === '') problem(`${at}.command`, 'must be a non-empty string');
      const args = entry.args ?? [];
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) problem(`${at}.args`, 'must be an array of strings');
      const env = stringMap(entry.env, `${at}.env`, problem);
      const cwd = entry.cwd;
      if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) problem(`${at}.cwd`, 'must be a non-empty string');
      if (problems.length === before) {
        definitions.push({
          transport: 'stdio', label, command: command as string, args: args as string[], env,
          ...(typeof cwd === 'string' ? { cwd: isAbsolute(cwd) ? cwd : resolve(where.baseDir, cwd) } : {}),
        });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return definitions;
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function stringMap(value: unknown, at: string, problem: (at: string, message: string) => void): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || !Object.values(value).every((entry) => typeof entry === 'string')) {
    problem(at, 'must be an object of strings');
    return {};
  }
  return value as Record<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
