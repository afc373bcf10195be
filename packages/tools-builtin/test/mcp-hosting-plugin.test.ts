import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createApp, silentLogger, TOKENS } from '@agentport/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mcpHosting, parseMcpServers, ServerUrlAllowlist } from '../src/index.js';
import { QUICK_SETTINGS, STDIO_FIXTURE } from './mcp-support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentport-mcp-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const WHERE = { source: 'mcp.json', baseDir: '/srv/agentport' };

describe('the servers file', () => {
  it('reads HTTP and stdio servers, with a relative cwd taken from the file\'s folder', () => {
    const servers = parseMcpServers({
      mcpServers: {
        docs: { url: 'https://mcp.internal.test/mcp', headers: { Authorization: 'Bearer x' } },
        files: { type: 'stdio', command: 'node', args: ['server.mjs'], env: { ROOT: '/data' }, cwd: 'servers' },
      },
    }, WHERE);

    expect(servers).toEqual([
      { transport: 'streamable_http', label: 'docs', url: new URL('https://mcp.internal.test/mcp'), headers: { Authorization: 'Bearer x' } },
      { transport: 'stdio', label: 'files', command: 'node', args: ['server.mjs'], env: { ROOT: '/data' }, cwd: '/srv/agentport/servers' },
    ]);
  });

  it('reports every problem at once', () => {
    const parse = () => parseMcpServers({
      mcpServers: {
        'bad label': { url: 'https://x.test/mcp' },
        both: { url: 'https://x.test/mcp', command: 'node' },
        neither: {},
        old: { url: 'https://x.test/sse', transport: 'sse' },
        ftp: { url: 'ftp://x.test/' },
        extra: { command: 'node', headers: {} },
        args: { command: 'node', args: 'server.mjs' },
      },
    }, WHERE);

    expect(parse).toThrow(ConfigError);
    const problems = (() => {
      try {
        parse();
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/mcpServers\.bad label has a label/);
    expect(problems.join('\n')).toMatch(/mcpServers\.both has both "url" and "command"/);
    expect(problems.join('\n')).toMatch(/mcpServers\.neither needs "url" \(Streamable HTTP\) or "command" \(stdio\)/);
    expect(problems.join('\n')).toMatch(/mcpServers\.old uses the SSE transport/);
    expect(problems.join('\n')).toMatch(/mcpServers\.ftp\.url must be an absolute http/);
    expect(problems.join('\n')).toMatch(/mcpServers\.extra has keys that a stdio server does not take: headers/);
    expect(problems.join('\n')).toMatch(/mcpServers\.args\.args must be an array of strings/);
  });

  it('needs an mcpServers object', () => {
    expect(() => parseMcpServers({ servers: {} }, WHERE)).toThrow(/must hold an object \{"mcpServers"/);
  });
});

describe('the server_url allowlist', () => {
  it('allows listed hosts on any port, host:port on that port only, and http(s) only', () => {
    const allowlist = new ServerUrlAllowlist(['mcp.internal.test', '10.0.0.5:8443', 'LOCALHOST']);

    expect(allowlist.allows(new URL('https://mcp.internal.test/mcp'))).toBe(true);
    expect(allowlist.allows(new URL('http://mcp.internal.test:9000/mcp'))).toBe(true);
    expect(allowlist.allows(new URL('https://10.0.0.5:8443/mcp'))).toBe(true);
    expect(allowlist.allows(new URL('https://10.0.0.5/mcp'))).toBe(false);
    expect(allowlist.allows(new URL('http://localhost/mcp'))).toBe(true);
    expect(allowlist.allows(new URL('https://evil.mcp.internal.test/mcp'))).toBe(false);
    expect(allowlist.allows(new URL('https://mcp.internal.test.evil.test/mcp'))).toBe(false);
    expect(allowlist.allows(new URL('ws://mcp.internal.test/mcp'))).toBe(false);
  });
});

describe('mcpHosting()', () => {
  it('gives requests no MCP server until configured, but hosts /v1/mcp for the built-in tools', async () => {
    const app = await createApp({ plugins: [mcpHosting()], logger: silentLogger });
    await app.start();
    cleanups.push(() => app.stop());

    expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
    const host = app.tryGet(TOKENS.McpHost);
    expect(host?.servesMcpClients).toBe(true);
    expect(host?.listServers()).toEqual([]);
  });

  it('binds nothing when there is no server and the MCP endpoint is turned off', async () => {
    const app = await createApp({ plugins: [mcpHosting()], logger: silentLogger, config: { overrides: { mcp: { serveToMcpClients: false } } } });
    await app.start();
    cleanups.push(() => app.stop());

    expect(app.tryGet(TOKENS.McpHost)).toBeUndefined();
    expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
  });

  it('connects the servers of the servers file at start, and closes them at stop', async () => {
    const dir = await tempDir();
    const file = join(dir, 'mcp.json');
    await writeFile(file, JSON.stringify({ mcpServers: { local: { command: process.execPath, args: [STDIO_FIXTURE] } } }));
    const app = await createApp({
      plugins: [mcpHosting()],
      logger: silentLogger,
      config: { overrides: { mcp: { serversFile: file, ...QUICK_SETTINGS } } },
    });
    await app.start();
    const host = app.get(TOKENS.McpHost);

    expect(host.listServers()).toEqual([expect.objectContaining({ label: 'local', transport: 'stdio', state: 'connected', toolCount: 5 })]);
    expect(host.listServerTools('local')?.map((tool) => tool.name)).toEqual(['add', 'whoami', 'fail', 'crash', 'env']);
    expect(app.getAll(TOKENS.ToolProvider).map((provider) => provider.servesToolTypes)).toEqual([['mcp']]);

    await app.stop();
    expect(host.listServers()[0]).toMatchObject({ state: 'closed' });
  });

  it('fails at createApp on a broken servers file, naming the setting', async () => {
    const dir = await tempDir();
    const file = join(dir, 'mcp.json');
    await writeFile(file, '{"mcpServers": {"x": {"url": "nope"}}}');

    await expect(createApp({ plugins: [mcpHosting()], logger: silentLogger, config: { overrides: { mcp: { serversFile: file } } } }))
      .rejects.toThrow(/AGENTPORT_MCP__SERVERS_FILE: .*mcp\.json: mcpServers\.x\.url must be an absolute http/);
    await expect(createApp({ plugins: [mcpHosting()], logger: silentLogger, config: { overrides: { mcp: { serversFile: join(dir, 'missing.json') } } } }))
      .rejects.toThrow(/cannot read .*missing\.json/);
  });
});
