import type { ScriptedStep } from '@agentport/core/testing';
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../src/gateway-config.js';
import { useGateways } from '../src/testing/gateway-harness.js';

// Clients branch on OpenAI's error types: every error the gateway answers carries one of them.
const OPENAI_ERROR_TYPES = ['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'server_error'];

const startGateway = useGateways();
const failing = (code: string, status?: number): ScriptedStep => ({ parts: [], error: { code: code as never, message: `upstream: ${code}`, ...(status === undefined ? {} : { status }) } });

interface Case {
  name: string;
  model?: ScriptedStep[];
  config?: Partial<GatewayConfig>;
  request: { path: string; method?: string; body?: unknown; apiKey?: string | null; headers?: Record<string, string> };
  status: number;
  code: string;
  /** Requests sent first (to spend a limit). */
  before?: number;
}

const CASES: Case[] = [
  { name: 'a bad field', request: { path: '/v1/responses', body: { model: 'm', input: 'hi', temperature: 5 } }, status: 400, code: 'invalid_request' },
  { name: 'no API key', config: { apiKeys: ['sk-1'] }, request: { path: '/v1/responses', body: { model: 'm', input: 'hi' }, apiKey: null }, status: 401, code: 'invalid_api_key' },
  { name: 'an unknown response', request: { path: '/v1/responses/resp_nope' }, status: 404, code: 'response_not_found' },
  { name: 'an unknown model', config: { modelAliases: {} }, request: { path: '/v1/responses', body: { model: 'nope', input: 'hi' } }, status: 404, code: 'model_not_found' },
  { name: 'an unknown route', request: { path: '/v1/nowhere' }, status: 404, code: 'not_found' },
  { name: 'a body over the limit', config: { bodyLimitBytes: 1024 }, request: { path: '/v1/responses', body: { model: 'm', input: 'x'.repeat(2000) } }, status: 413, code: 'request_too_large' },
  { name: 'the rate limit', config: { requestsPerMinute: 1 }, before: 1, request: { path: '/v1/responses/resp_x' }, status: 429, code: 'rate_limit_exceeded' },
  { name: 'a prompt too long for the model', model: [failing('context_length_exceeded', 400)], request: { path: '/v1/responses', body: { model: 'm', input: 'hi' } }, status: 400, code: 'context_length_exceeded' },
  { name: 'an upstream failure', model: [failing('transport')], request: { path: '/v1/responses', body: { model: 'm', input: 'hi' } }, status: 502, code: 'transport' },
  { name: 'an upstream timeout', model: [failing('timeout')], request: { path: '/v1/responses', body: { model: 'm', input: 'hi' } }, status: 504, code: 'timeout' },
];

describe('error types', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s: an OpenAI error type', async (_name, testCase) => {
    const harness = await startGateway({ model: testCase.model ?? [], ...(testCase.config ? { config: testCase.config } : {}) });
    for (let sent = 0; sent < (testCase.before ?? 0); sent += 1) await harness.fetch(testCase.request.path);
    const answer = await harness.fetch(testCase.request.path, testCase.request);
    const body = await answer.json() as { error: { type: string; code: string; message: string } };

    expect(answer.status).toBe(testCase.status);
    expect(body.error.code).toBe(testCase.code);
    expect(OPENAI_ERROR_TYPES).toContain(body.error.type);
  });

  it('a context_length_exceeded names input', async () => {
    const harness = await startGateway({ model: [failing('context_length_exceeded', 400)] });
    const answer = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' } });
    expect(await answer.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'input' } });
  });
});
