import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@agentport/core';
import { unauthorized } from '../errors.js';

/** The tenant every request belongs to when no keys are configured. */
export const OPEN_TENANT = 'default';

/**
 * Maps API keys to tenants. Keys are compared as SHA-256 digests in constant time, against
 * every configured key, so neither the key nor its position leaks through timing.
 */
export class ApiKeyAuthenticator {
  private readonly keys: Array<{ digest: Buffer; tenant: string }>;

  constructor(pairs: ReadonlyMap<string, string>) {
    this.keys = [...pairs].map(([key, tenant]) => ({ digest: digest(key), tenant }));
  }

  /** From `key:tenant` strings and an optional JSON file `{ "<key>": "<tenant>" }`. */
  static fromConfig(apiKeys: readonly string[], apiKeysFile: string): ApiKeyAuthenticator {
    const pairs = new Map<string, string>();
    for (const entry of apiKeys) {
      const separator = entry.lastIndexOf(':');
      const key = separator > 0 ? entry.slice(0, separator) : entry;
      pairs.set(key, separator > 0 ? entry.slice(separator + 1) : key);
    }
    if (apiKeysFile) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(apiKeysFile, 'utf8'));
      } catch (error) {
        throw new ConfigError([`AGENTPORT_GATEWAY__API_KEYS_FILE: cannot read ${apiKeysFile}: ${error instanceof Error ? error.message : String(error)}`]);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError([`AGENTPORT_GATEWAY__API_KEYS_FILE: ${apiKeysFile} must hold an object of "key": "tenant"`]);
      }
      for (const [key, tenant] of Object.entries(parsed)) {
        if (typeof tenant !== 'string' || tenant === '') throw new ConfigError([`AGENTPORT_GATEWAY__API_KEYS_FILE: the tenant of a key in ${apiKeysFile} must be a non-empty string`]);
        pairs.set(key, tenant);
      }
    }
    return new ApiKeyAuthenticator(pairs);
  }

  get isOpen(): boolean {
    return this.keys.length === 0;
  }

  /** The tenant of the request's bearer key; throws a 401 ApiError otherwise. */
  authenticate(authorization: string | undefined): { tenant: string; key: string } {
    const found = this.lookup(authorization);
    switch (found.kind) {
      case 'missing':
        throw unauthorized('Missing API key: send it as "Authorization: Bearer <key>".');
      case 'unknown':
        throw unauthorized('Incorrect API key provided.');
      case 'known':
        return { tenant: found.tenant, key: found.key };
    }
  }

  /** The tenant of the key, or undefined: for log lines written before a request is authenticated. */
  tenantOf(authorization: string | undefined): string | undefined {
    const found = this.lookup(authorization);
    return found.kind === 'known' ? found.tenant : undefined;
  }

  private lookup(authorization: string | undefined): { kind: 'missing' | 'unknown' } | { kind: 'known'; tenant: string; key: string } {
    if (this.isOpen) return { kind: 'known', tenant: OPEN_TENANT, key: OPEN_TENANT };
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) return { kind: 'missing' };
    const given = digest(match[1]!.trim());
    let tenant: string | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, given) && tenant === undefined) tenant = key.tenant;
    }
    return tenant === undefined ? { kind: 'unknown' } : { kind: 'known', tenant, key: given.toString('hex') };
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
