import type { JsonSchema } from '@agentport/core';

// The response object as the Open Responses specification (ResponseResource, spec of
// 2026-04-24) and OpenAI's Responses API define it, written out here in our own words as
// JSON Schema. Every field the spec requires is required here, with the spec's type; items of
// the spec's types are checked in full, items of OpenAI-only types (mcp_call, …) by their
// common fields.

const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const object = (required: string[], properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', required, properties });
const constant = (value: string): JsonSchema => ({ const: value });

const itemStatus: JsonSchema = { enum: ['in_progress', 'completed', 'incomplete', 'failed', 'searching', 'calling', 'interpreting'] };

const outputTextPart = object(['type', 'text', 'annotations'], {
  type: constant('output_text'), text: string, annotations: { type: 'array' }, logprobs: { type: 'array' },
});
const refusalPart = object(['type', 'refusal'], { type: constant('refusal'), refusal: string });
const textPart = object(['type', 'text'], { type: { enum: ['input_text', 'text', 'summary_text', 'reasoning_text'] }, text: string });
const contentPart: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: string },
  allOf: [
    { if: { properties: { type: constant('output_text') } }, then: outputTextPart },
    { if: { properties: { type: constant('refusal') } }, then: refusalPart },
    { if: { properties: { type: { enum: ['input_text', 'text', 'summary_text', 'reasoning_text'] } } }, then: textPart },
  ],
};

/** Per item type, what the item must hold besides `type` and `id`. */
const ITEM_SHAPES: Record<string, JsonSchema> = {
  message: object(['status', 'role', 'content'], {
    status: { enum: ['in_progress', 'completed', 'incomplete'] },
    role: { enum: ['user', 'assistant', 'system', 'developer'] },
    content: { type: 'array', items: contentPart },
  }),
  function_call: object(['call_id', 'name', 'arguments', 'status'], { call_id: string, name: string, arguments: string, status: itemStatus }),
  function_call_output: object(['call_id', 'output'], { call_id: string, output: { type: ['string', 'array'] } }),
  reasoning: object(['summary'], {
    summary: { type: 'array', items: contentPart },
    content: { type: 'array', items: contentPart },
    encrypted_content: nullable(string),
  }),
  compaction: object(['encrypted_content'], { encrypted_content: string }),
  custom_tool_call: object(['call_id', 'name', 'input'], { call_id: string, name: string, input: string }),
  mcp_call: object(['server_label', 'name', 'arguments'], { server_label: string, name: string, arguments: string }),
  mcp_list_tools: object(['server_label', 'tools'], { server_label: string, tools: { type: 'array' } }),
  mcp_approval_request: object(['server_label', 'name', 'arguments'], { server_label: string, name: string, arguments: string }),
  code_interpreter_call: object(['code', 'status'], { code: nullable(string), status: itemStatus }),
};

/** An output item: a non-empty `id`, a `type`, and the fields of its type. */
export const outputItemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'id'],
  properties: { type: string, id: { type: 'string', minLength: 1 } },
  allOf: Object.entries(ITEM_SHAPES).map(([type, shape]) => ({ if: { properties: { type: constant(type) } }, then: shape })),
};

const functionTool = object(['type', 'name', 'description', 'parameters', 'strict'], {
  type: constant('function'),
  name: string,
  description: nullable(string),
  parameters: nullable({ type: 'object' }),
  strict: nullable({ type: 'boolean' }),
});
const tool: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: string },
  allOf: [{ if: { properties: { type: constant('function') } }, then: functionTool }],
};

const textFormat: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
  allOf: [{
    if: { properties: { type: constant('json_schema') } },
    then: object(['name', 'description', 'schema', 'strict'], { name: string, description: nullable(string), schema: { type: 'object' }, strict: { type: 'boolean' } }),
  }],
};

const usage = object(['input_tokens', 'output_tokens', 'total_tokens', 'input_tokens_details', 'output_tokens_details'], {
  input_tokens: integer,
  output_tokens: integer,
  total_tokens: integer,
  input_tokens_details: object(['cached_tokens'], { cached_tokens: integer }),
  output_tokens_details: object(['reasoning_tokens'], { reasoning_tokens: integer }),
});

/** The response object (Open Responses' ResponseResource). */
export const responseResourceSchema: JsonSchema = object([
  'id', 'object', 'created_at', 'completed_at', 'status', 'incomplete_details', 'model', 'previous_response_id',
  'instructions', 'output', 'error', 'tools', 'tool_choice', 'truncation', 'parallel_tool_calls', 'text', 'top_p',
  'presence_penalty', 'frequency_penalty', 'top_logprobs', 'temperature', 'reasoning', 'user', 'usage',
  'max_output_tokens', 'max_tool_calls', 'store', 'background', 'service_tier', 'metadata', 'safety_identifier',
  'prompt_cache_key',
], {
  id: { type: 'string', minLength: 1 },
  object: constant('response'),
  created_at: integer,
  completed_at: nullable(integer),
  status: { enum: ['queued', 'in_progress', 'completed', 'failed', 'incomplete', 'cancelled'] },
  incomplete_details: nullable(object(['reason'], { reason: string })),
  model: string,
  previous_response_id: nullable(string),
  instructions: nullable({ type: ['string', 'array'] }),
  output: { type: 'array', items: outputItemSchema },
  error: nullable(object(['code', 'message'], { code: string, message: string })),
  tools: { type: 'array', items: tool },
  tool_choice: {
    anyOf: [
      { enum: ['none', 'auto', 'required'] },
      { type: 'object', required: ['type'], properties: { type: string } },
    ],
  },
  truncation: { enum: ['auto', 'disabled'] },
  parallel_tool_calls: { type: 'boolean' },
  text: object(['format'], { format: textFormat, verbosity: { enum: ['low', 'medium', 'high'] } }),
  top_p: { type: 'number' },
  presence_penalty: { type: 'number' },
  frequency_penalty: { type: 'number' },
  top_logprobs: integer,
  temperature: { type: 'number' },
  reasoning: nullable(object(['effort', 'summary'], {
    effort: nullable({ enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] }),
    summary: nullable({ enum: ['auto', 'concise', 'detailed'] }),
  })),
  user: nullable(string),
  usage: nullable(usage),
  max_output_tokens: nullable(integer),
  max_tool_calls: nullable(integer),
  store: { type: 'boolean' },
  background: { type: 'boolean' },
  service_tier: string,
  metadata: { type: 'object', additionalProperties: string },
  safety_identifier: nullable(string),
  prompt_cache_key: nullable(string),
  conversation: nullable(object(['id'], { id: string })),
});
