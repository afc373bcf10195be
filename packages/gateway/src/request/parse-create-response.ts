import type { ClientTool, JsonObject, JsonSchemaValidator, JsonValue, ModelOutputSpec, ModelToolChoice } from '@agentport/core';
import { invalidRequest } from '../errors.js';
import type { CreateResponseParams, HostedToolRequest } from './create-response-params.js';
import { FieldReader } from './field-reader.js';
import { parseInputItems } from './input-items.js';

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const EMPTY_PARAMETERS = { type: 'object', properties: {} };

export interface ParseOptions {
  validator: JsonSchemaValidator;
  /** Tool types some tool provider serves (e.g. `mcp`, `code_interpreter`). */
  hostedToolTypes: ReadonlySet<string>;
}

/** Checks a create-response body field by field; a bad field is a 400 that names it. */
export function parseCreateResponse(body: unknown, options: ParseOptions): CreateResponseParams {
  const root = FieldReader.root(body);
  const model = root.string('model', { required: true, nonEmpty: true });
  const previousResponseId = root.string('previous_response_id', { nonEmpty: true }) ?? null;
  const conversationId = parseConversation(root);
  if (previousResponseId && conversationId) {
    throw invalidRequest('previous_response_id', "'previous_response_id' and 'conversation' cannot be used together.");
  }
  if (!root.has('input') && !previousResponseId && !conversationId) {
    throw invalidRequest('input', "Missing required parameter: 'input'.", 'missing_required_parameter');
  }
  const input = root.has('input') ? parseInputItems(root.raw('input')) : [];
  const store = root.boolean('store') ?? true;
  const background = root.boolean('background') ?? false;
  if (background && !store) throw invalidRequest('background', "Background responses must be stored: 'background' needs 'store' to be true.");

  const { functionTools, hostedTools, ignoredToolTypes, echoTools } = parseTools(root, options);
  const toolChoice = parseToolChoice(root, functionTools, hostedTools);
  const text = root.object('text');
  const { output, echo: formatEcho } = text ? parseOutput(text, options.validator) : TEXT_OUTPUT;

  return {
    model,
    input,
    instructions: root.string('instructions') ?? null,
    previousResponseId,
    conversationId,
    store,
    stream: root.boolean('stream') ?? false,
    background,
    functionTools,
    hostedTools,
    ignoredToolTypes,
    toolChoice,
    parallelToolCalls: root.boolean('parallel_tool_calls') ?? true,
    maxToolCalls: root.number('max_tool_calls', { integer: true, min: 1 }) ?? null,
    output,
    maxOutputTokens: root.number('max_output_tokens', { integer: true, min: 1 }) ?? null,
    temperature: root.number('temperature', { min: 0, max: 2 }) ?? null,
    topP: root.number('top_p', { min: 0, max: 1 }) ?? null,
    metadata: root.metadata('metadata') ?? {},
    include: (root.array('include') ?? []).map((value, index) => {
      if (typeof value !== 'string') throw invalidRequest(`include[${index}]`, `'include[${index}]' must be a string.`, 'invalid_type');
      return value;
    }),
    echo: {
      text: { format: formatEcho },
      toolChoice: (root.raw('tool_choice') as JsonValue | undefined) ?? 'auto',
      tools: echoTools,
      truncation: root.oneOf('truncation', ['auto', 'disabled'] as const) ?? 'disabled',
    },
  };
}

function parseConversation(root: FieldReader): string | null {
  const raw = root.raw('conversation');
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') return root.string('conversation', { nonEmpty: true }) ?? null;
  const conversation = root.object('conversation');
  return conversation?.string('id', { required: true, nonEmpty: true }) ?? null;
}

function parseTools(root: FieldReader, options: ParseOptions) {
  const functionTools: ClientTool[] = [];
  const hostedTools: HostedToolRequest[] = [];
  const ignoredToolTypes: string[] = [];
  const echoTools: JsonValue[] = [];
  for (const tool of root.objects('tools') ?? []) {
    const type = tool.string('type', { required: true, nonEmpty: true });
    if (type === 'function') {
      const name = tool.string('name', { required: true, pattern: NAME_PATTERN });
      if (functionTools.some((existing) => existing.name === name)) {
        throw invalidRequest(tool.param('name'), `Duplicate tool name '${name}'.`);
      }
      const parameters = tool.plainObject('parameters') ?? EMPTY_PARAMETERS;
      const problem = options.validator.checkSchema(parameters);
      if (problem) throw invalidRequest(tool.param('parameters'), `Invalid JSON Schema in '${tool.param('parameters')}': ${problem}`);
      const description = tool.string('description');
      const strict = tool.boolean('strict');
      functionTools.push({
        name, parameters, execution: 'client',
        ...(description === undefined ? {} : { description }),
        ...(strict === undefined ? {} : { strict }),
      });
      echoTools.push({ type: 'function', name, description: description ?? null, parameters: parameters as JsonValue, strict: strict ?? false });
    } else if (options.hostedToolTypes.has(type)) {
      const config = tool.toObject() as JsonObject;
      hostedTools.push({ type, config });
      echoTools.push(config);
    } else {
      ignoredToolTypes.push(type);
    }
  }
  return { functionTools, hostedTools, ignoredToolTypes, echoTools };
}

function parseToolChoice(root: FieldReader, functionTools: readonly ClientTool[], hostedTools: readonly HostedToolRequest[]): ModelToolChoice | undefined {
  const raw = root.raw('tool_choice');
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return root.oneOf('tool_choice', ['auto', 'none', 'required'] as const);
  const choice = root.object('tool_choice')!;
  const type = choice.string('type', { required: true });
  if (type === 'function') {
    const name = choice.string('name', { required: true });
    if (!functionTools.some((tool) => tool.name === name)) {
      throw invalidRequest('tool_choice.name', `Tool choice '${name}' is not one of the request's function tools.`);
    }
    return { name };
  }
  if (hostedTools.some((tool) => tool.type === type)) return 'required';
  // allowed_tools and tool types we do not serve leave the choice to the model.
  return 'auto';
}

/** Plain text: no output spec, echoed as `{ type: 'text' }`. */
const TEXT_OUTPUT: ParsedOutput = { output: undefined, echo: { type: 'text' } };

interface ParsedOutput {
  output: ModelOutputSpec | undefined;
  /** The `text.format` the response echoes: what was asked (`json_object` runs as a schema but echoes as asked). */
  echo: JsonObject;
}

function parseOutput(text: FieldReader, validator: JsonSchemaValidator): ParsedOutput {
  const format = text.object('format');
  if (!format) return TEXT_OUTPUT;
  const type = format.oneOf('type', ['text', 'json_schema', 'json_object'] as const, { required: true });
  if (type === 'text') return TEXT_OUTPUT;
  if (type === 'json_object') {
    return { output: { type: 'json_schema', name: 'json_object', schema: { type: 'object' }, strict: false }, echo: { type: 'json_object' } };
  }
  const name = format.string('name', { required: true, pattern: NAME_PATTERN });
  const schema = format.plainObject('schema', { required: true })!;
  const problem = validator.checkSchema(schema);
  if (problem) throw invalidRequest(format.param('schema'), `Invalid JSON Schema in '${format.param('schema')}': ${problem}`);
  const description = format.string('description');
  const strict = format.boolean('strict') ?? false;
  return {
    output: { type: 'json_schema', name, schema, strict, ...(description === undefined ? {} : { description }) },
    echo: {
      type: 'json_schema', name, schema: schema as JsonValue, strict,
      ...(description === undefined ? {} : { description }),
    },
  };
}
