import { type JsonSchema, JsonSchemaValidator } from '@agentport/core';
import { outputItemSchema, responseResourceSchema } from './response-resource-schema.js';

// Each Responses streaming event as OpenAI and the Open Responses specification (spec of
// 2026-04-24) define it, in our own words. Events of other types (agentport's extension
// events, sent only to clients that ask) are not checked here.

const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;

function event(type: string, fields: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'sequence_number', ...Object.keys(fields)],
    properties: { type: { const: type }, sequence_number: integer, ...fields },
    ...extra,
  };
}

const itemRef = { item_id: { type: 'string', minLength: 1 }, output_index: integer };
const contentRef = { ...itemRef, content_index: integer };
const summaryRef = { ...itemRef, summary_index: integer };
const part = { type: 'object', required: ['type'], properties: { type: string } } as const;

/** What a lifecycle event's response must say beyond the response object itself. */
const lifecycle = (type: string, response: JsonSchema): JsonSchema =>
  event(type, { response: responseResourceSchema }, { allOf: [{ properties: { response } }] });

const EVENT_SCHEMAS: Record<string, JsonSchema> = {
  'response.created': lifecycle('response.created', { properties: { status: { enum: ['queued', 'in_progress'] } } }),
  'response.queued': lifecycle('response.queued', { properties: { status: { const: 'queued' } } }),
  'response.in_progress': lifecycle('response.in_progress', { properties: { status: { const: 'in_progress' } } }),
  'response.completed': lifecycle('response.completed', {
    required: ['usage', 'completed_at'],
    properties: { status: { const: 'completed' }, usage: { type: 'object' }, completed_at: integer },
  }),
  'response.failed': lifecycle('response.failed', { properties: { status: { const: 'failed' }, error: { type: 'object' } } }),
  'response.incomplete': lifecycle('response.incomplete', {
    properties: { status: { enum: ['incomplete', 'cancelled'] } },
  }),
  'response.output_item.added': event('response.output_item.added', { output_index: integer, item: outputItemSchema }),
  'response.output_item.done': event('response.output_item.done', { output_index: integer, item: outputItemSchema }),
  'response.content_part.added': event('response.content_part.added', { ...contentRef, part }),
  'response.content_part.done': event('response.content_part.done', { ...contentRef, part }),
  'response.output_text.delta': event('response.output_text.delta', { ...contentRef, delta: string, logprobs: { type: 'array' } }),
  'response.output_text.done': event('response.output_text.done', { ...contentRef, text: string, logprobs: { type: 'array' } }),
  'response.refusal.delta': event('response.refusal.delta', { ...contentRef, delta: string }),
  'response.refusal.done': event('response.refusal.done', { ...contentRef, refusal: string }),
  'response.reasoning_text.delta': event('response.reasoning_text.delta', { ...contentRef, delta: string }),
  'response.reasoning_text.done': event('response.reasoning_text.done', { ...contentRef, text: string }),
  'response.reasoning.delta': event('response.reasoning.delta', { ...contentRef, delta: string }),
  'response.reasoning.done': event('response.reasoning.done', { ...contentRef, text: string }),
  'response.reasoning_summary_part.added': event('response.reasoning_summary_part.added', { ...summaryRef, part }),
  'response.reasoning_summary_part.done': event('response.reasoning_summary_part.done', { ...summaryRef, part }),
  'response.reasoning_summary_text.delta': event('response.reasoning_summary_text.delta', { ...summaryRef, delta: string }),
  'response.reasoning_summary_text.done': event('response.reasoning_summary_text.done', { ...summaryRef, text: string }),
  'response.function_call_arguments.delta': event('response.function_call_arguments.delta', { ...itemRef, delta: string }),
  'response.function_call_arguments.done': event('response.function_call_arguments.done', { ...itemRef, arguments: string }),
  'response.custom_tool_call_input.delta': event('response.custom_tool_call_input.delta', { ...itemRef, delta: string }),
  'response.custom_tool_call_input.done': event('response.custom_tool_call_input.done', { ...itemRef, input: string }),
  'response.mcp_call_arguments.delta': event('response.mcp_call_arguments.delta', { ...itemRef, delta: string }),
  'response.mcp_call_arguments.done': event('response.mcp_call_arguments.done', { ...itemRef, arguments: string }),
  'response.code_interpreter_call_code.delta': event('response.code_interpreter_call_code.delta', { ...itemRef, delta: string }),
  'response.code_interpreter_call_code.done': event('response.code_interpreter_call_code.done', { ...itemRef, code: string }),
  ...Object.fromEntries([
    'response.mcp_call.in_progress', 'response.mcp_call.completed', 'response.mcp_call.failed',
    'response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed', 'response.mcp_list_tools.failed',
    'response.code_interpreter_call.in_progress', 'response.code_interpreter_call.interpreting', 'response.code_interpreter_call.completed',
  ].map((type) => [type, event(type, itemRef)])),
};

/** An `error` event: in a stream (`code`, `message`, `param` at the top), or a WebSocket error frame (`status`, `error`). */
const errorEventSchema: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { const: 'error' } },
  anyOf: [
    { required: ['code', 'message', 'param'], properties: { code: { type: ['string', 'null'] }, message: string, param: { type: ['string', 'null'] } } },
    {
      required: ['status', 'error'],
      properties: {
        status: integer,
        error: {
          type: 'object',
          required: ['type', 'code', 'message', 'param'],
          properties: { type: string, code: string, message: string, param: { type: ['string', 'null'] } },
        },
      },
    },
  ],
};

const validator = new JsonSchemaValidator();

/** The problems of one event against its type's schema; none for types this module does not know. */
export function streamEventProblems(event: unknown): string[] {
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return ['an event without a type'];
  const schema = type === 'error' ? errorEventSchema : EVENT_SCHEMAS[type];
  if (!schema) return [];
  const result = validator.validate(schema, event);
  return result.valid ? [] : result.errors;
}

/** The problems of a response object against the spec's ResponseResource. */
export function responseResourceProblems(response: unknown): string[] {
  const result = validator.validate(responseResourceSchema, response);
  return result.valid ? [] : result.errors;
}

/** Throws, naming the event and every problem, when an event does not fit its type's schema. */
export function assertStreamEventShape(event: unknown): void {
  const problems = streamEventProblems(event);
  if (problems.length > 0) {
    const { type, sequence_number: sequence } = event as { type?: unknown; sequence_number?: unknown };
    throw new Error(`${String(type)} event (seq ${String(sequence)}) does not fit the spec: ${problems.join('; ')}`);
  }
}

/** Throws, naming every problem, when a response object does not fit the spec's ResponseResource. */
export function assertResponseResource(response: unknown): void {
  const problems = responseResourceProblems(response);
  if (problems.length > 0) throw new Error(`the response object does not fit the spec: ${problems.join('; ')}`);
}
