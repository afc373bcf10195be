import { errorMarker } from '@agentport/core';
import { BuiltinToolError } from '../builtin-server/errors.js';
import type { AddressCategory } from './address-policy.js';

/** Why a URL was refused. Every refusal happens before a connection is opened to it. */
export type HttpGetRefusal =
  | { kind: 'invalid_url' }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'credentials' }
  | { kind: 'host_not_allowed'; host: string }
  | { kind: 'address'; host: string; address: string; category: AddressCategory; range: string };

/** A URL http_get will not fetch (a first URL or a redirect's target). */
export class HttpGetRefusedError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/HttpGetRefusedError');

  constructor(readonly url: string, readonly refusal: HttpGetRefusal) {
    super('http_get_refused', `${url} is refused: ${describe(refusal)}`);
  }
}

function describe(refusal: HttpGetRefusal): string {
  switch (refusal.kind) {
    case 'invalid_url':
      return 'it is not a valid absolute URL';
    case 'scheme':
      return `only http and https are fetched, not ${refusal.scheme}`;
    case 'credentials':
      return 'URLs with a user name or password are not fetched';
    case 'host_not_allowed':
      return `the host ${refusal.host} is not on the allowed hosts list`;
    case 'address': {
      const where = refusal.host === refusal.address ? refusal.address : `${refusal.host} resolves to ${refusal.address}, which`;
      return `${where} is a ${refusal.category.replace('_', '-')} address (${refusal.range}); only public addresses are fetched`;
    }
  }
}

/** The fetch failed: the name did not resolve, the connection or TLS failed, the response broke off. */
export class HttpGetFailedError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/HttpGetFailedError');

  constructor(readonly url: string, reason: string, options?: ErrorOptions) {
    super('http_get_failed', `GET ${url} failed: ${reason}`, options);
  }
}

/** More redirects than `maxRedirects`. */
export class HttpGetRedirectLimitError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/HttpGetRedirectLimitError');

  constructor(readonly url: string, readonly maxRedirects: number) {
    super('http_get_redirect_limit', `GET ${url} was redirected more than ${maxRedirects} times`);
  }
}

/** The whole fetch (resolution, redirects, body) took longer than `timeoutMs`. */
export class HttpGetTimeoutError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/HttpGetTimeoutError');

  constructor(readonly url: string, readonly timeoutMs: number) {
    super('http_get_timeout', `GET ${url} took longer than ${timeoutMs} ms`);
  }
}
