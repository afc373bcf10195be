import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AddressPolicy, CidrRange, formatIpAddress, HttpGetClient, type HttpGetClientOptions, HttpGetRedirectLimitError,
  HttpGetRefusedError, HttpGetTimeoutError, parseIpAddress, type ResolvedAddress,
} from '../src/index.js';
import { LoopbackOnlyGuard } from './builtin-tool-support.js';

/** A self-signed test certificate (valid 2020-2120) for pinned.test, localhost and 127.0.0.1, and its key. Test use only. */
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBjDCCATOgAwIBAgIBATAKBggqhkjOPQQDAjAiMSAwHgYDVQQDDBdhZ2VudHBv
cnQgaHR0cF9nZXQgdGVzdDAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAwMDAw
MFowIjEgMB4GA1UEAwwXYWdlbnRwb3J0IGh0dHBfZ2V0IHRlc3QwWTATBgcqhkjO
PQIBBggqhkjOPQMBBwNCAAQ35Ov7CSeUK5KDza1GSb2db/B7M5tAC3kkCyD+gufZ
gR2uqc3kcFGa3Fj0vK7xCXZbjiPJL2FL8l6ydEsVuAkKo1gwVjAnBgNVHREEIDAe
ggtwaW5uZWQudGVzdIIJbG9jYWxob3N0hwR/AAABMAwGA1UdEwEB/wQCMAAwHQYD
VR0OBBYEFFId1sR9u/SkfxMYYg/pnLx4Z4g7MAoGCCqGSM49BAMCA0cAMEQCID32
FK+dmyibLUsAWs2NRNjM2WeWDNCG6pF4F4jmYYAdAiBhJ6pSUFp6soEMYk9KC0hp
kziz2SZgRsBd9YKLQl/RdQ==
-----END CERTIFICATE-----
`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNUepIiaEQwzHSrHY
yOeA+6N7xzFbPp80fzfFM6md93ihRANCAAQ35Ov7CSeUK5KDza1GSb2db/B7M5tA
C3kkCyD+gufZgR2uqc3kcFGa3Fj0vK7xCXZbjiPJL2FL8l6ydEsVuAkK
-----END PRIVATE KEY-----
`;

/** The one local server the tests fetch from, on 127.0.0.1; it records what reached it. */
class LocalServer {
  readonly requests: { url: string; host: string | undefined }[] = [];
  connections = 0;
  private readonly open = new Set<Socket>();

  constructor(readonly server: http.Server) {
    server.on('connection', (socket: Socket) => {
      this.connections += 1;
      this.open.add(socket);
      socket.on('close', () => this.open.delete(socket));
    });
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      this.requests.push({ url: request.url ?? '', host: request.headers.host });
      route(request, response, this.origin);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function route(request: http.IncomingMessage, response: http.ServerResponse, origin: string): void {
  const url = new URL(request.url ?? '/', origin);
  const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
  if (chain) {
    const left = Number(chain[1]);
    if (left === 0) return void response.writeHead(200, { 'content-type': 'text/plain' }).end('end of the chain');
    return void response.writeHead(302, { location: `/chain/${left - 1}` }).end();
  }
  switch (url.pathname) {
    case '/hello.txt':
      return void response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello from the local server');
    case '/latin1.html':
      return void response.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' }).end(Buffer.from('<p>caf\u00e9</p>', 'latin1'));
    case '/data.json':
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":42}');
    case '/big.txt':
      return void response.writeHead(200, { 'content-type': 'text/plain' }).end('a'.repeat(100_000));
    case '/image.png':
      return void response.writeHead(200, { 'content-type': 'image/png', 'content-length': '2048' }).end(Buffer.alloc(2048, 0x89));
    case '/untyped-binary':
      return void response.end(Buffer.from([0x00, 0x01, 0xff, 0xfe]));
    case '/untyped-text':
      return void response.end('plain words');
    case '/missing':
      return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    case '/redirect':
      return void response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    case '/hang':
      return; // Never answers.
    default:
      return void response.writeHead(404).end();
  }
}

const guard = new LoopbackOnlyGuard();

let plain: LocalServer;
let secure: LocalServer;

beforeAll(async () => {
  plain = await new LocalServer(http.createServer()).listen();
  secure = await new LocalServer(https.createServer({ cert: TEST_CERT, key: TEST_KEY })).listen();
});

afterAll(async () => {
  guard.dispose();
  await plain.close();
  await secure.close();
});

beforeEach(() => {
  plain.reset();
  secure.reset();
  guard.reset();
});

afterEach(() => {
  expect(guard.offMachineAttempts).toEqual([]);
});

const LIMITS = { timeoutMs: 5_000, maxResponseBytes: 10_000, maxRedirects: 3 };
/** Loopback let through for the local server: 127.0.0.1 only, nothing else of 127.0.0.0/8. */
const LOCAL_ONLY: HttpGetClientOptions = { ...LIMITS, allowedAddresses: ['127.0.0.1/32'] };
const signal = () => new AbortController().signal;

describe('addresses http_get may connect to', () => {
  const policy = new AddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'], ['169.254.170.2', 'metadata'], ['100.100.100.200', 'metadata'], ['168.63.129.16', 'metadata'],
    ['169.254.1.1', 'link_local'], ['0.0.0.0', 'unspecified'], ['100.64.0.1', 'shared'], ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'], ['192.0.2.1', 'documentation'], ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1', 'link_local'], ['fe80::1%eth0', 'link_local'], ['fc00::1', 'private'],
    ['fd00:ec2::254', 'metadata'], ['ff02::1', 'multicast'], ['2001:db8::1', 'documentation'], ['2001::1', 'tunnel'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.0.0.1', 'private'], ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a00:1', 'private'], ['2002:7f00:1::', 'loopback'], ['::127.0.0.1', 'reserved'], ['100::1', 'reserved'],
  ])('refuses %s (%s)', (address, category) => {
    expect(policy.check(address)).toMatchObject({ allowed: false, category });
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('allows the public address %s', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true });
  });

  it('lets chosen blocks through, an IPv4 block also in its IPv4-mapped form', () => {
    const local = new AddressPolicy(['127.0.0.1/32', 'fd12::/16']);
    expect(local.check('127.0.0.1')).toEqual({ allowed: true });
    expect(local.check('::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(local.check('127.0.0.2')).toMatchObject({ allowed: false, category: 'loopback' });
    expect(local.check('fd12:3::1')).toEqual({ allowed: true });
    expect(local.check('::1')).toMatchObject({ allowed: false, category: 'loopback' });
    expect(() => new AddressPolicy(['not-an-address'])).toThrow(/allowedAddresses/);
  });

  it('parses and writes addresses and blocks', () => {
    expect(formatIpAddress(parseIpAddress('::ffff:1.2.3.4')!)).toBe('::ffff:102:304');
    expect(formatIpAddress(parseIpAddress('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpAddress(parseIpAddress('1:2:3:4:5:6:7.8.9.10')!)).toBe('1:2:3:4:5:6:708:90a');
    expect(parseIpAddress('localhost')).toBeUndefined();
    expect(CidrRange.parse('10.0.0.0/33')).toBeUndefined();
    expect(CidrRange.parse('10.1.2.3/12')?.contains(parseIpAddress('10.15.255.255')!)).toBe(true);
    expect(CidrRange.parse('10.1.2.3/12')?.contains(parseIpAddress('10.16.0.0')!)).toBe(false);
  });
});

describe('HttpGetClient refusals, before any connection', () => {
  const client = new HttpGetClient(LIMITS);

  it.each([
    ['http://127.0.0.1:PORT/hello.txt', 'loopback'],
    ['http://localhost:PORT/hello.txt', 'loopback'],
    ['http://LOCALHOST.:PORT/hello.txt', 'loopback'],
    ['http://[::1]:PORT/hello.txt', 'loopback'],
    ['http://[::ffff:127.0.0.1]:PORT/hello.txt', 'loopback'],
    ['http://2130706433:PORT/hello.txt', 'loopback'],
    ['http://0x7f.1:PORT/hello.txt', 'loopback'],
    ['http://0.0.0.0:PORT/hello.txt', 'unspecified'],
    ['http://10.0.0.1/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'metadata'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
    ['http://[fe80::1]/', 'link_local'],
    ['https://127.0.0.1:PORT/hello.txt', 'loopback'],
  ])('refuses %s (%s)', async (template, category) => {
    const url = template.replace('PORT', String(plain.port));
    const refusal = await client.get(url, signal()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HttpGetRefusedError);
    expect((refusal as HttpGetRefusedError).refusal).toMatchObject({ kind: 'address', category });
    expect(guard.sockets).toEqual([]);
    expect(plain.connections).toBe(0);
  });

  it.each([
    ['file:///etc/passwd', { kind: 'scheme', scheme: 'file' }],
    ['ftp://127.0.0.1/', { kind: 'scheme', scheme: 'ftp' }],
    ['gopher://127.0.0.1:PORT/', { kind: 'scheme', scheme: 'gopher' }],
    ['http://user:secret@127.0.0.1:PORT/', { kind: 'credentials' }],
    ['not a url', { kind: 'invalid_url' }],
  ])('refuses %s (%j)', async (template, refusal) => {
    const url = template.replace('PORT', String(plain.port));
    await expect(client.get(url, signal())).rejects.toMatchObject({ code: 'http_get_refused', refusal });
    expect(guard.sockets).toEqual([]);
  });

  it('names what a refused address is', async () => {
    await expect(client.get('http://169.254.169.254/latest/meta-data/', signal())).rejects.toThrow(
      'http://169.254.169.254/latest/meta-data/ is refused: 169.254.169.254 is a metadata address (169.254.169.254/32); only public addresses are fetched',
    );
    await expect(client.get(`http://localhost:${plain.port}/`, signal())).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/);
  });
});

describe('HttpGetClient against the local server (127.0.0.1 let through)', () => {
  it('fetches text with its status and content type', async () => {
    const client = new HttpGetClient(LOCAL_ONLY);
    expect(await client.get(`${plain.origin}/hello.txt`, signal())).toEqual({
      url: `${plain.origin}/hello.txt`, redirectedFrom: [], status: 200, statusText: 'OK', contentType: 'text/plain; charset=utf-8',
      body: { kind: 'text', text: 'hello from the local server', truncated: false },
    });
    expect(await client.get(`${plain.origin}/latin1.html`, signal())).toMatchObject({ body: { kind: 'text', text: '<p>caf\u00e9</p>' } });
    expect(await client.get(`${plain.origin}/data.json`, signal())).toMatchObject({ contentType: 'application/json', body: { text: '{"answer":42}' } });
    expect(await client.get(`${plain.origin}/untyped-text`, signal())).toMatchObject({ body: { kind: 'text', text: 'plain words' } });
    expect(await client.get(`${plain.origin}/missing`, signal())).toMatchObject({ status: 404, body: { text: 'not here' } });
    expect(plain.requests.every((request) => request.host === `127.0.0.1:${plain.port}`)).toBe(true);
  });

  it('cuts a body at maxResponseBytes and summarizes binary content without reading it', async () => {
    const client = new HttpGetClient({ ...LOCAL_ONLY, maxResponseBytes: 1_000 });
    const big = await client.get(`${plain.origin}/big.txt`, signal());
    expect(big.body).toEqual({ kind: 'text', text: 'a'.repeat(1_000), truncated: true });
    expect(await client.get(`${plain.origin}/image.png`, signal())).toMatchObject({ contentType: 'image/png', body: { kind: 'binary', bytes: 2048 } });
    expect(await client.get(`${plain.origin}/untyped-binary`, signal())).toMatchObject({ body: { kind: 'binary', bytes: 4 } });
  });

  it('follows redirects up to maxRedirects, each one checked', async () => {
    const client = new HttpGetClient(LOCAL_ONLY);
    const followed = await client.get(`${plain.origin}/chain/3`, signal());
    expect(followed).toMatchObject({ url: `${plain.origin}/chain/0`, body: { text: 'end of the chain' } });
    expect(followed.redirectedFrom).toEqual([`${plain.origin}/chain/3`, `${plain.origin}/chain/2`, `${plain.origin}/chain/1`]);
    plain.reset();
    await expect(client.get(`${plain.origin}/chain/4`, signal())).rejects.toBeInstanceOf(HttpGetRedirectLimitError);
    expect(plain.requests).toHaveLength(4);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://10.0.0.1/admin', 'private'],
    ['http://127.0.0.2:PORT/hello.txt', 'loopback'],
    ['http://[::1]:PORT/hello.txt', 'loopback'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
  ])('refuses a redirect to %s (%s) before connecting to it', async (template, category) => {
    const client = new HttpGetClient(LOCAL_ONLY);
    const target = template.replace('PORT', String(plain.port));
    const refusal = await client.get(`${plain.origin}/redirect?to=${encodeURIComponent(target)}`, signal()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HttpGetRefusedError);
    expect((refusal as HttpGetRefusedError).refusal).toMatchObject({ kind: 'address', category });
    expect(plain.requests.map((request) => request.url)).toEqual([`/redirect?to=${encodeURIComponent(target)}`]);
    expect(guard.sockets).toHaveLength(1);
  });

  it('refuses a redirect to another scheme', async () => {
    const client = new HttpGetClient(LOCAL_ONLY);
    await expect(client.get(`${plain.origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`, signal()))
      .rejects.toMatchObject({ refusal: { kind: 'scheme', scheme: 'file' } });
  });

  it('keeps to the host allowlist, on redirects too', async () => {
    const client = new HttpGetClient({ ...LOCAL_ONLY, allowedHosts: ['127.0.0.1'] });
    expect((await client.get(`${plain.origin}/hello.txt`, signal())).status).toBe(200);
    plain.reset();
    guard.reset();
    await expect(client.get(`http://localhost:${plain.port}/hello.txt`, signal())).rejects.toMatchObject({ refusal: { kind: 'host_not_allowed', host: 'localhost' } });
    expect(guard.sockets).toEqual([]);
    await expect(client.get(`${plain.origin}/redirect?to=${encodeURIComponent(`http://pinned.test:${plain.port}/`)}`, signal()))
      .rejects.toMatchObject({ refusal: { kind: 'host_not_allowed', host: 'pinned.test' } });
    expect(plain.requests).toHaveLength(1);
    const wildcard = new HttpGetClient({ ...LOCAL_ONLY, allowedHosts: ['*.test'], resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect((await wildcard.get(`http://pinned.test:${plain.port}/hello.txt`, signal())).status).toBe(200);
    await expect(wildcard.get(`http://test:${plain.port}/hello.txt`, signal())).rejects.toMatchObject({ refusal: { kind: 'host_not_allowed' } });
  });

  it('checks the addresses a name resolves to, and connects only to the one it checked (no rebinding)', async () => {
    const answers: ResolvedAddress[][] = [[{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.1', family: 4 }]];
    const asked: string[] = [];
    const client = new HttpGetClient({ ...LOCAL_ONLY, resolveHost: async (host) => { asked.push(host); return answers.shift() ?? []; } });
    const fetched = await client.get(`http://pinned.test:${plain.port}/hello.txt`, signal());
    expect(fetched.body).toMatchObject({ text: 'hello from the local server' });
    // Resolved once: Node's own lookup was answered with the checked address, not asked again.
    expect(asked).toEqual(['pinned.test']);
    expect(plain.requests).toEqual([{ url: '/hello.txt', host: `pinned.test:${plain.port}` }]);
    // The name now resolves elsewhere: checked again, refused, nothing sent.
    await expect(client.get(`http://pinned.test:${plain.port}/hello.txt`, signal())).rejects.toMatchObject({ refusal: { kind: 'address', address: '10.0.0.1' } });
    expect(plain.requests).toHaveLength(1);
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const client = new HttpGetClient({ ...LOCAL_ONLY, resolveHost: async () => [{ address: '127.0.0.1', family: 4 }, { address: '192.168.1.10', family: 4 }] });
    await expect(client.get(`http://pinned.test:${plain.port}/hello.txt`, signal())).rejects.toMatchObject({ refusal: { kind: 'address', address: '192.168.1.10', category: 'private' } });
    expect(guard.sockets).toEqual([]);
  });

  it('fetches over https, checking the certificate against the name while connecting to the pinned address', async () => {
    const trusting = new HttpGetClient({ ...LOCAL_ONLY, extraCaCertificates: [TEST_CERT], resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect((await trusting.get(`https://pinned.test:${secure.port}/hello.txt`, signal())).body).toMatchObject({ text: 'hello from the local server' });
    expect((await trusting.get(`${secure.origin}/data.json`, signal())).body).toMatchObject({ text: '{"answer":42}' });
    const untrusting = new HttpGetClient({ ...LOCAL_ONLY, resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(untrusting.get(`https://pinned.test:${secure.port}/hello.txt`, signal())).rejects.toMatchObject({ code: 'http_get_failed' });
  });

  it('gives up at timeoutMs', async () => {
    const client = new HttpGetClient({ ...LOCAL_ONLY, timeoutMs: 300 });
    const error = await client.get(`${plain.origin}/hang`, signal()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpGetTimeoutError);
    expect((error as Error).message).toBe(`GET ${plain.origin}/hang took longer than 300 ms`);
  });

  it('stops when the call is cancelled', async () => {
    const client = new HttpGetClient(LOCAL_ONLY);
    const abort = new AbortController();
    const fetching = client.get(`${plain.origin}/hang`, abort.signal);
    abort.abort(new Error('cancelled by the test'));
    await expect(fetching).rejects.toThrow('cancelled by the test');
  });
});
