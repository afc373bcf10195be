import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../src/testing/gateway-harness.js';

/** A malformed `POST /v1/responses`: the body (a string is sent as it is), and the answer expected. */
interface BadRequest {
  name: string;
  body: unknown;
  /** The field the error names; null where the whole body is at fault. */
  param: string | null;
  status?: number;
  code?: string;
  contentType?: string;
}

const fn = (extra: Record<string, unknown>) => ({ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, ...extra });
const schemaFormat = (extra: Record<string, unknown>) => ({ type: 'json_schema', name: 'answer', schema: { type: 'object' }, ...extra });
const base = { model: 'm', input: 'hi' };

const BAD_REQUESTS: BadRequest[] = [
  // The body itself.
  { name: 'invalid JSON text', body: '{"model": "m", "input": ', param: null, code: 'invalid_json' },
  { name: 'an empty body', body: '', param: null },
  { name: 'a JSON array', body: '[]', param: null },
  { name: 'a JSON string', body: '"hello"', param: null },
  { name: 'JSON null', body: 'null', param: null },
  { name: 'a body with a __proto__ key', body: '{"model":"m","input":"hi","metadata":{"__proto__":{"polluted":"yes"}}}', param: null, code: 'invalid_json' },
  { name: 'a body that is not JSON', body: 'model=m&input=hi', param: null, status: 415, contentType: 'application/x-www-form-urlencoded' },
  // model
  { name: 'no model', body: { input: 'hi' }, param: 'model', code: 'missing_required_parameter' },
  { name: 'a numeric model', body: { model: 7, input: 'hi' }, param: 'model', code: 'invalid_type' },
  { name: 'an empty model', body: { model: '', input: 'hi' }, param: 'model' },
  // input
  { name: 'no input, nothing to continue', body: { model: 'm' }, param: 'input', code: 'missing_required_parameter' },
  { name: 'a numeric input', body: { model: 'm', input: 42 }, param: 'input', code: 'invalid_type' },
  { name: 'an input item that is a number', body: { model: 'm', input: [1] }, param: 'input[0]' },
  { name: 'an unknown input item type', body: { model: 'm', input: [{ type: 'telepathy', content: 'hi' }] }, param: 'input[0].type' },
  { name: 'an input item without a type or role', body: { model: 'm', input: [{ content: 'hi' }] }, param: 'input[0].type' },
  { name: 'a message with an unknown role', body: { model: 'm', input: [{ role: 'narrator', content: 'hi' }] }, param: 'input[0].role' },
  { name: 'a message whose content is a number', body: { model: 'm', input: [{ role: 'user', content: 5 }] }, param: 'input[0].content' },
  { name: 'a message without content', body: { model: 'm', input: [{ role: 'user' }] }, param: 'input[0].content' },
  { name: 'an unknown content part type', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_smell' }] }] }, param: 'input[0].content[0].type' },
  { name: 'an input_text part without text', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, param: 'input[0].content[0].text' },
  { name: 'a function_call_output without call_id', body: { model: 'm', input: [{ type: 'function_call_output', output: 'x' }] }, param: 'input[0].call_id' },
  { name: 'a function_call_output with a numeric output', body: { model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 3 }] }, param: 'input[0].output' },
  { name: 'a function_call without a name', body: { model: 'm', input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] }, param: 'input[0].name' },
  { name: 'an image part with an unknown detail', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', detail: 'ultra' }] }] }, param: 'input[0].content[0].detail' },
  { name: 'a content part that is null', body: { model: 'm', input: [{ role: 'user', content: [null] }] }, param: 'input[0].content[0]' },
  { name: 'a code interpreter image output without url', body: { model: 'm', input: [{ type: 'code_interpreter_call', outputs: [{ type: 'image' }] }] }, param: 'input[0].outputs[0].url' },
  { name: 'the second item bad, the first fine', body: { model: 'm', input: [{ role: 'user', content: 'ok' }, { type: 'reasoning', summary: 'x' }] }, param: 'input[1].summary' },
  // sampling and limits
  { name: 'temperature above 2', body: { ...base, temperature: 3 }, param: 'temperature' },
  { name: 'a string temperature', body: { ...base, temperature: 'hot' }, param: 'temperature', code: 'invalid_type' },
  { name: 'negative top_p', body: { ...base, top_p: -0.5 }, param: 'top_p' },
  { name: 'max_output_tokens of 0', body: { ...base, max_output_tokens: 0 }, param: 'max_output_tokens' },
  { name: 'fractional max_output_tokens', body: { ...base, max_output_tokens: 1.5 }, param: 'max_output_tokens' },
  { name: 'negative max_tool_calls', body: { ...base, max_tool_calls: -1 }, param: 'max_tool_calls' },
  // flags
  { name: 'a string stream flag', body: { ...base, stream: 'yes' }, param: 'stream', code: 'invalid_type' },
  { name: 'a string store flag', body: { ...base, store: 'no' }, param: 'store' },
  { name: 'a string background flag', body: { ...base, background: 'true' }, param: 'background' },
  { name: 'background without store', body: { ...base, background: true, store: false }, param: 'background' },
  { name: 'a string parallel_tool_calls', body: { ...base, parallel_tool_calls: 'yes' }, param: 'parallel_tool_calls' },
  { name: 'numeric instructions', body: { ...base, instructions: 42 }, param: 'instructions' },
  { name: 'an unknown truncation', body: { ...base, truncation: 'sometimes' }, param: 'truncation' },
  { name: 'include that is not an array', body: { ...base, include: 'reasoning.encrypted_content' }, param: 'include' },
  { name: 'include with a number', body: { ...base, include: [1] }, param: 'include[0]' },
  // metadata
  { name: 'metadata that is an array', body: { ...base, metadata: ['a'] }, param: 'metadata' },
  { name: 'metadata with a numeric value', body: { ...base, metadata: { topic: 1 } }, param: 'metadata.topic' },
  { name: 'a metadata key over 64 characters', body: { ...base, metadata: { ['k'.repeat(65)]: 'v' } }, param: `metadata.${'k'.repeat(65)}` },
  { name: 'metadata with 17 keys', body: { ...base, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, param: 'metadata' },
  // tools
  { name: 'tools that is an object', body: { ...base, tools: { type: 'function' } }, param: 'tools' },
  { name: 'a tool that is a string', body: { ...base, tools: ['lookup'] }, param: 'tools[0]' },
  { name: 'a tool without a type', body: { ...base, tools: [{ name: 'lookup' }] }, param: 'tools[0].type' },
  { name: 'a function tool without a name', body: { ...base, tools: [{ type: 'function', parameters: {} }] }, param: 'tools[0].name' },
  { name: 'a function tool name with spaces', body: { ...base, tools: [fn({ name: 'look up' })] }, param: 'tools[0].name' },
  { name: 'function tool parameters that are a string', body: { ...base, tools: [fn({ parameters: 'object' })] }, param: 'tools[0].parameters' },
  { name: 'function tool parameters that are not a JSON Schema', body: { ...base, tools: [fn({ parameters: { type: 'banana' } })] }, param: 'tools[0].parameters' },
  { name: 'function tool parameters with a dangling $ref', body: { ...base, tools: [fn({ parameters: { type: 'object', properties: { a: { $ref: '#/nope' } } } })] }, param: 'tools[0].parameters' },
  { name: 'two function tools of one name', body: { ...base, tools: [fn({}), fn({})] }, param: 'tools[1].name' },
  { name: 'a string strict flag on a tool', body: { ...base, tools: [fn({ strict: 'yes' })] }, param: 'tools[0].strict' },
  // tool_choice
  { name: 'an unknown tool_choice', body: { ...base, tool_choice: 'sometimes' }, param: 'tool_choice' },
  { name: 'a tool_choice naming no tool', body: { ...base, tools: [fn({})], tool_choice: { type: 'function', name: 'other' } }, param: 'tool_choice.name' },
  { name: 'a function tool_choice without a name', body: { ...base, tools: [fn({})], tool_choice: { type: 'function' } }, param: 'tool_choice.name' },
  { name: 'a numeric tool_choice', body: { ...base, tool_choice: 1 }, param: 'tool_choice' },
  // text.format
  { name: 'text that is a string', body: { ...base, text: 'json' }, param: 'text' },
  { name: 'an unknown text.format type', body: { ...base, text: { format: { type: 'yaml' } } }, param: 'text.format.type' },
  { name: 'a json_schema format without a schema', body: { ...base, text: { format: { type: 'json_schema', name: 'answer' } } }, param: 'text.format.schema' },
  { name: 'a json_schema format without a name', body: { ...base, text: { format: { type: 'json_schema', schema: { type: 'object' } } } }, param: 'text.format.name' },
  { name: 'a text.format that is a string', body: { ...base, text: { format: 'json' } }, param: 'text.format' },
  { name: 'a string strict flag on text.format', body: { ...base, text: { format: schemaFormat({ strict: 'yes' }) } }, param: 'text.format.strict' },
  { name: 'a json_schema format with a dangling $ref', body: { ...base, text: { format: schemaFormat({ schema: { $ref: '#/definitions/missing' } }) } }, param: 'text.format.schema' },
  { name: 'a json_schema format with an invalid schema', body: { ...base, text: { format: schemaFormat({ schema: { type: 'object', required: 'name' } }) } }, param: 'text.format.schema' },
  // references
  { name: 'both previous_response_id and conversation', body: { ...base, previous_response_id: 'resp_1', conversation: 'conv_1' }, param: 'previous_response_id' },
  { name: 'an empty previous_response_id', body: { ...base, previous_response_id: '' }, param: 'previous_response_id' },
  { name: 'a numeric previous_response_id', body: { ...base, previous_response_id: 12 }, param: 'previous_response_id' },
  { name: 'an unknown previous_response_id', body: { ...base, previous_response_id: 'resp_missing' }, param: 'previous_response_id', code: 'previous_response_not_found' },
  { name: 'an unknown conversation', body: { ...base, conversation: 'conv_missing' }, param: 'conversation', status: 404, code: 'conversation_not_found' },
  { name: 'a conversation object without id', body: { ...base, conversation: {} }, param: 'conversation.id' },
  { name: 'a numeric conversation', body: { ...base, conversation: 5 }, param: 'conversation' },
];

describe('POST /v1/responses with a malformed body', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ model: () => ({ parts: [{ type: 'text', text: 'should not run' }] }) });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('has a table of at least 30 cases', () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_REQUESTS.map((bad) => [bad.name, bad] as const))('answers %s with a 4xx naming the field, storing nothing', async (_name, bad) => {
    const writesBefore = harness.store.writeCount;
    const responsesBefore = await harness.store.countResponses();
    const modelCallsBefore = harness.model!.calls.length;
    for (const stream of [false, true]) {
      // The same body asked as a stream must fail the same way, before any event is sent.
      const body = typeof bad.body === 'string' || !stream ? bad.body : { stream, ...(bad.body as object) };
      const response = await harness.fetch('/v1/responses', {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': bad.contentType ?? 'application/json' },
      });
      const answer = await response.json() as { error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } };

      expect(response.status).toBe(bad.status ?? 400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof answer.error?.message).toBe('string');
      expect(typeof answer.error?.type).toBe('string');
      expect(typeof answer.error?.code).toBe('string');
      expect(answer.error?.param).toBe(bad.param);
      if (bad.code) expect(answer.error?.code).toBe(bad.code);
    }
    expect(harness.store.writeCount).toBe(writesBefore);
    expect(await harness.store.countResponses()).toBe(responsesBefore);
    expect(harness.model!.calls).toHaveLength(modelCallsBefore);
  });

  it('ignores unknown fields and unknown tool types', async () => {
    const response = await harness.fetch('/v1/responses', {
      body: { ...base, prompt_cache_key: 'k', service_tier: 'auto', some_future_field: { a: 1 }, tools: [{ type: 'web_search' }] },
    });
    expect(response.status).toBe(200);
    expect((await response.json() as { status: string }).status).toBe('completed');
  });
});
