/** The gateway plugin's config: section `gateway`, env `AGENTPORT_GATEWAY__<KEY>`. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** Largest request body accepted; larger is a 413. */
  bodyLimitBytes: number;
  /** `key:tenant` pairs, comma separated in env; a key without a tenant is its own tenant. */
  apiKeys: string[];
  /** A JSON file `{ "<key>": "<tenant>" }` with more keys. */
  apiKeysFile: string;
  /** Requests per minute per key (or per client address when open); 0 turns the limit off. */
  requestsPerMinute: number;
  /** Responses running at once per key; more are a 429. */
  maxConcurrentRuns: number;
  maxSteps: number;
  maxToolCalls: number;
  maxRunSeconds: number;
  /** On shutdown, how long running streams may finish before they are cancelled. */
  shutdownGraceSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export const gatewayConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    bodyLimitBytes: { type: 'integer', minimum: 1024, default: 4 * 1024 * 1024 },
    apiKeys: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    apiKeysFile: { type: 'string', default: '' },
    requestsPerMinute: { type: 'integer', minimum: 0, default: 600 },
    maxConcurrentRuns: { type: 'integer', minimum: 1, default: 32 },
    maxSteps: { type: 'integer', minimum: 1, default: 10 },
    maxToolCalls: { type: 'integer', minimum: 1, default: 50 },
    maxRunSeconds: { type: 'integer', minimum: 1, default: 600 },
    shutdownGraceSeconds: { type: 'integer', minimum: 0, default: 10 },
    logLevel: { type: 'string', enum: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
  },
} as const;

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  host: '127.0.0.1', port: 8080, bodyLimitBytes: 4 * 1024 * 1024, apiKeys: [], apiKeysFile: '',
  requestsPerMinute: 600, maxConcurrentRuns: 32, maxSteps: 10, maxToolCalls: 50, maxRunSeconds: 600,
  shutdownGraceSeconds: 10, logLevel: 'info',
};
