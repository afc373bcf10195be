import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { AddressPolicy } from './address-policy.js';
import { decodeBody, isTextual, looksLikeText, parseContentType } from './content-type.js';
import { HttpGetFailedError, HttpGetRedirectLimitError, HttpGetRefusedError, HttpGetTimeoutError } from './errors.js';
import { HostAllowlist, normalizeHost } from './host-allowlist.js';
import { type HostResolver, type ResolvedAddress, systemHostResolver } from './host-resolver.js';

export interface HttpGetLimits {
  /** The whole fetch: resolution, every redirect, the body. */
  timeoutMs: number;
  /** Body bytes read; the rest is cut (with a note) and the connection closed. */
  maxResponseBytes: number;
  /** Redirects followed; one more fails the call. */
  maxRedirects: number;
}

export interface HttpGetClientOptions extends HttpGetLimits {
  /** Hosts that may be fetched; empty: any host (at a public address). */
  allowedHosts?: readonly string[];
  /** CIDR blocks let through although not public (an internal service; `127.0.0.1/32` in a test). */
  allowedAddresses?: readonly string[];
  userAgent?: string;
  /** Default: the system resolver. */
  resolveHost?: HostResolver;
  /** PEM certificates trusted for https beside Node's own list (a private CA). */
  extraCaCertificates?: readonly string[];
}

/** A fetched response, after redirects. */
export interface HttpGetResponse {
  /** Where the body came from. */
  url: string;
  /** The URLs that redirected, in order. */
  redirectedFrom: string[];
  status: number;
  statusText: string;
  contentType: string | undefined;
  body:
    | { kind: 'text'; text: string; truncated: boolean }
    | { kind: 'binary'; bytes: number | undefined };
}

/** A URL that passed every check, and the address its connection is pinned to. */
interface CheckedTarget {
  url: URL;
  address: ResolvedAddress;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'text/html, text/plain, text/markdown, application/json, application/xml;q=0.9, text/*;q=0.8, */*;q=0.1';
export const DEFAULT_HTTP_GET_USER_AGENT = 'agentport-http-get/0.1';

/**
 * GET over http and https that never reaches a private address. For the first URL and for
 * every redirect target, in turn: the scheme (http, https), no credentials in the URL, the
 * host allowlist; then the host is resolved and every address it has must be public (or in
 * `allowedAddresses`); then the connection goes to the address that was checked, through a
 * `lookup` that returns only it, so a second DNS answer (rebinding) cannot move it. Nothing
 * is sent anywhere before these checks pass. Bodies are read up to a size, text is decoded
 * in its charset, binary is summarized and not read.
 */
export class HttpGetClient {
  private readonly hosts: HostAllowlist;
  private readonly addresses: AddressPolicy;
  private readonly resolveHost: HostResolver;
  private readonly ca: string[] | undefined;

  constructor(private readonly options: HttpGetClientOptions) {
    this.hosts = new HostAllowlist(options.allowedHosts ?? []);
    this.addresses = new AddressPolicy(options.allowedAddresses ?? []);
    this.resolveHost = options.resolveHost ?? systemHostResolver;
    this.ca = options.extraCaCertificates && options.extraCaCertificates.length > 0
      ? [...rootCertificates, ...options.extraCaCertificates]
      : undefined;
  }

  async get(url: string, signal: AbortSignal): Promise<HttpGetResponse> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    try {
      return await this.follow(url, combined);
    } catch (error) {
      if (timeout.aborted && !signal.aborted) throw new HttpGetTimeoutError(url, this.options.timeoutMs);
      throw error;
    }
  }

  private async follow(first: string, signal: AbortSignal): Promise<HttpGetResponse> {
    const redirectedFrom: string[] = [];
    let next = first;
    let base: URL | undefined;
    for (;;) {
      const target = await this.check(next, base, signal);
      const response = await this.request(target, signal);
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.statusCode ?? 0) && location !== undefined) {
        response.destroy();
        if (redirectedFrom.length >= this.options.maxRedirects) throw new HttpGetRedirectLimitError(first, this.options.maxRedirects);
        redirectedFrom.push(target.url.href);
        next = location;
        base = target.url;
        continue;
      }
      return { url: target.url.href, redirectedFrom, ...(await this.readResponse(target.url.href, response, signal)) };
    }
  }

  /** Every check a URL must pass before anything is sent; returns the address to connect to. */
  private async check(text: string, base: URL | undefined, signal: AbortSignal): Promise<CheckedTarget> {
    let url: URL;
    try {
      url = new URL(text, base);
    } catch {
      throw new HttpGetRefusedError(text, { kind: 'invalid_url' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpGetRefusedError(url.href, { kind: 'scheme', scheme: url.protocol.replace(/:$/, '') });
    if (url.username !== '' || url.password !== '') throw new HttpGetRefusedError(url.href, { kind: 'credentials' });
    const host = normalizeHost(url.hostname);
    if (!this.hosts.allows(host)) throw new HttpGetRefusedError(url.href, { kind: 'host_not_allowed', host });
    const addresses = isIP(host) !== 0 ? [{ address: host, family: isIP(host) as 4 | 6 }] : await this.resolve(url, host, signal);
    for (const { address } of addresses) {
      const verdict = this.addresses.check(address);
      if (!verdict.allowed) throw new HttpGetRefusedError(url.href, { kind: 'address', host, address, category: verdict.category, range: verdict.range });
    }
    return { url, address: addresses[0]! };
  }

  private async resolve(url: URL, host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolveHost(host, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new HttpGetFailedError(url.href, `${host} did not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
    if (addresses.length === 0) throw new HttpGetFailedError(url.href, `${host} has no addresses`);
    return addresses;
  }

  private request(target: CheckedTarget, signal: AbortSignal): Promise<IncomingMessage> {
    const { url, address } = target;
    const secure = url.protocol === 'https:';
    const host = normalizeHost(url.hostname);
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': this.options.userAgent ?? DEFAULT_HTTP_GET_USER_AGENT, accept: ACCEPT, 'accept-encoding': 'identity' },
        // A fresh connection each time, so that no pooled socket outlives the check it passed.
        agent: false,
        lookup: pinnedLookup(address),
        signal,
        ...(secure ? { servername: isIP(host) === 0 ? host : undefined, ...(this.ca ? { ca: this.ca } : {}) } : {}),
      });
      request.on('response', resolve);
      request.on('error', (error) => reject(signal.aborted ? signal.reason : new HttpGetFailedError(url.href, error.message, { cause: error })));
      request.end();
    });
  }

  private async readResponse(url: string, response: IncomingMessage, signal: AbortSignal): Promise<Omit<HttpGetResponse, 'url' | 'redirectedFrom'>> {
    const head = { status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', contentType: response.headers['content-type'] };
    const encoding = response.headers['content-encoding'];
    const mediaType = parseContentType(head.contentType);
    const declaredLength = Number(response.headers['content-length']);
    const bytes = Number.isSafeInteger(declaredLength) ? declaredLength : undefined;
    if ((encoding !== undefined && encoding !== 'identity') || (mediaType && !isTextual(mediaType))) {
      // Binary (or compressed although we asked for none): not read at all.
      response.destroy();
      return { ...head, body: { kind: 'binary', bytes } };
    }
    const { data, truncated } = await readCapped(url, response, this.options.maxResponseBytes, signal);
    if (!mediaType && !looksLikeText(data)) return { ...head, body: { kind: 'binary', bytes: bytes ?? (truncated ? undefined : data.length) } };
    return { ...head, body: { kind: 'text', text: decodeBody(data, mediaType?.charset), truncated } };
  }
}

/** A `lookup` that answers every question with the one address that was checked. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

/** Reads at most `maxBytes` of the body; at the first byte past that, closes the connection. */
function readCapped(url: string, response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<{ data: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const settle = (outcome: { truncated: boolean } | { error: unknown }) => {
      if (done) return;
      done = true;
      if ('error' in outcome) reject(outcome.error);
      else resolve({ data: Buffer.concat(chunks, size), truncated: outcome.truncated });
    };
    response.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = maxBytes;
        response.destroy();
        settle({ truncated: true });
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => settle({ truncated: false }));
    response.on('error', (error) => settle({ error: signal.aborted ? signal.reason : new HttpGetFailedError(url, error.message, { cause: error }) }));
    response.on('close', () => settle({ error: signal.aborted ? signal.reason : new HttpGetFailedError(url, 'the response broke off') }));
  });
}
