import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, silentLogger, TOKENS, type ToolProvider } from '@agentport/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_GET_DEFAULTS, httpGet, httpGetToolProvider } from '../src/index.js';
import { errorOf, LoopbackOnlyGuard, outputOf } from './builtin-tool-support.js';

const guard = new LoopbackOnlyGuard();
let server: http.Server;
let origin: string;
let requests = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests += 1;
    if (request.url === '/to-metadata') return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (request.url === '/logo.png') return void response.writeHead(200, { 'content-type': 'image/png', 'content-length': '3' }).end(Buffer.from([1, 2, 3]));
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello from the local server');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  guard.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  expect(guard.offMachineAttempts).toEqual([]);
});

function localProvider(): ToolProvider {
  const { enabled: _enabled, ...config } = HTTP_GET_DEFAULTS;
  return httpGetToolProvider({ ...config, allowedAddresses: ['127.0.0.1/32'], maxResponseBytes: 10 });
}

describe('the http_get tool', () => {
  it('returns the status, content type and text as the mcp_call output', async () => {
    expect(await outputOf(localProvider(), 'http_get', { url: `${origin}/hello.txt` })).toBe(
      `GET ${origin}/hello.txt -> 200 OK\ncontent-type: text/plain; charset=utf-8\n\nhello from\n[body cut at 10 bytes]`,
    );
    expect(await outputOf(localProvider(), 'http_get', { url: `${origin}/logo.png` })).toBe(
      `GET ${origin}/logo.png -> 200 OK\ncontent-type: image/png\n\n[binary content of 3 bytes not shown; only text is returned]`,
    );
  });

  it('fails the call for a refused address, a redirect to one, and bad arguments', async () => {
    requests = 0;
    expect(await errorOf(localProvider(), 'http_get', { url: 'http://169.254.169.254/latest/meta-data/' }))
      .toBe('http://169.254.169.254/latest/meta-data/ is refused: 169.254.169.254 is a metadata address (169.254.169.254/32); only public addresses are fetched');
    expect(requests).toBe(0);
    expect(await errorOf(localProvider(), 'http_get', { url: `${origin}/to-metadata` })).toMatch(/^http:\/\/169\.254\.169\.254\/latest\/meta-data\/ is refused/);
    expect(requests).toBe(1);
    expect(await errorOf(localProvider(), 'http_get', { url: ['not-a-url'] })).toBe('http_get: "url" must be a string');
  });

  it('describes itself with its parameters and limits', async () => {
    const [tool] = await localProvider().listTools({ tenant: 't', requestedTools: [{ type: 'mcp', config: { type: 'mcp', server_label: 'builtin' } }] });
    expect(tool).toMatchObject({
      name: 'http_get', itemType: 'mcp_call', strict: true,
      parameters: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'], additionalProperties: false },
    });
    expect(tool?.description).toContain('10 bytes, 5 redirects');
  });
});

describe('the httpGet() plugin', () => {
  it('is off by default: it binds no tool provider', async () => {
    const app = await createApp({ plugins: [httpGet()], logger: silentLogger, config: { env: {} } });
    expect(app.config['http-get']).toEqual(HTTP_GET_DEFAULTS);
    expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
  });

  it('serves the tool when enabled through AGENTPORT_HTTP_GET__* env vars', async () => {
    const app = await createApp({
      plugins: [httpGet()],
      logger: silentLogger,
      config: { env: { AGENTPORT_HTTP_GET__ENABLED: 'true', AGENTPORT_HTTP_GET__ALLOWED_ADDRESSES: '127.0.0.1/32', AGENTPORT_HTTP_GET__MAX_REDIRECTS: '1' } },
    });
    expect(app.config['http-get']).toMatchObject({ enabled: true, allowedAddresses: ['127.0.0.1/32'], maxRedirects: 1 });
    const [provider] = app.getAll(TOKENS.ToolProvider);
    expect(await outputOf(provider!, 'http_get', { url: `${origin}/hello.txt` })).toContain('hello from the local server');
  });

  it('refuses to start with an allowed address that is not a CIDR block', async () => {
    await expect(createApp({
      plugins: [httpGet()],
      logger: silentLogger,
      config: { env: { AGENTPORT_HTTP_GET__ENABLED: 'true', AGENTPORT_HTTP_GET__ALLOWED_ADDRESSES: 'intranet' } },
    })).rejects.toThrow(/allowedAddresses: "intranet" is not an address or CIDR block/);
  });
});
