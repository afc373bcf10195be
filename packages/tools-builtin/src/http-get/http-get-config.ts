import type { JsonSchema } from '@agentport/core';
import {
  DEFAULT_BUILTIN_APPROVAL, DEFAULT_BUILTIN_SERVER_LABEL, defaultRequireApprovalConfigSchema, serverLabelConfigSchema,
} from '../builtin-server/builtin-server-label.js';
import { DEFAULT_HTTP_GET_USER_AGENT } from './http-get-client.js';

/** The `http-get` plugin's configuration (env vars `AGENTPORT_HTTP_GET__<KEY>`, e.g. `AGENTPORT_HTTP_GET__ALLOWED_HOSTS=docs.python.org`). */
export interface HttpGetConfig {
  /** Off until set: no tool is offered. */
  enabled: boolean;
  /** The `server_label` the tool is served under. */
  serverLabel: string;
  /** `require_approval` of a request that leaves it out: `always` (as OpenAI does) or `never`. */
  defaultRequireApproval: 'always' | 'never';
  /** Hosts that may be fetched (`example.com`, `*.example.com`); empty: any host at a public address. */
  allowedHosts: string[];
  /** Address blocks (CIDR) let through although not public: an internal service, or loopback in a test. */
  allowedAddresses: string[];
  /** The whole fetch, redirects and body included. */
  timeoutMs: number;
  /** Body bytes read; the rest is cut with a note. */
  maxResponseBytes: number;
  /** Redirects followed, each checked like the first URL. */
  maxRedirects: number;
  userAgent: string;
}

export const HTTP_GET_DEFAULTS: Readonly<HttpGetConfig> = Object.freeze({
  enabled: false,
  serverLabel: DEFAULT_BUILTIN_SERVER_LABEL,
  defaultRequireApproval: DEFAULT_BUILTIN_APPROVAL,
  allowedHosts: [],
  allowedAddresses: [],
  timeoutMs: 10_000,
  maxResponseBytes: 262_144,
  maxRedirects: 5,
  userAgent: DEFAULT_HTTP_GET_USER_AGENT,
});

export const httpGetConfigSchema: JsonSchema = {
  type: 'object',
  description: 'The `http_get` built-in tool (`@agentport/tools-builtin`): fetches public URLs, refusing private addresses after DNS and on every redirect; off until enabled.',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: HTTP_GET_DEFAULTS.enabled, description: 'serve the http_get tool' },
    serverLabel: serverLabelConfigSchema,
    defaultRequireApproval: defaultRequireApprovalConfigSchema,
    allowedHosts: {
      type: 'array', items: { type: 'string', minLength: 1 }, default: [...HTTP_GET_DEFAULTS.allowedHosts],
      description: 'hosts that may be fetched (example.com, *.example.com); empty: any public host',
    },
    allowedAddresses: {
      type: 'array', items: { type: 'string', minLength: 1 }, default: [...HTTP_GET_DEFAULTS.allowedAddresses],
      description: 'CIDR blocks let through although private or loopback (e.g. an internal service)',
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: HTTP_GET_DEFAULTS.timeoutMs, description: 'ms one fetch may take, redirects and body included' },
    maxResponseBytes: { type: 'integer', minimum: 1, maximum: 100_000_000, default: HTTP_GET_DEFAULTS.maxResponseBytes, description: 'body bytes read; the rest is cut with a note' },
    maxRedirects: { type: 'integer', minimum: 0, maximum: 20, default: HTTP_GET_DEFAULTS.maxRedirects, description: 'redirects followed, each checked like the first URL' },
    userAgent: { type: 'string', minLength: 1, default: HTTP_GET_DEFAULTS.userAgent, description: 'the User-Agent header sent' },
  },
};
