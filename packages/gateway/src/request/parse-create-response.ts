import {
  type ClientTool, type JsonObject, type JsonSchemaValidator, type JsonValue, type ModelOutputSpec, type ModelToolChoice,
  namespacedToolName,
} from '@agentport/core';
import { type CustomToolFormat, customToolFunction } from '../codex/custom-tool-function.js';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import { invalidRequest } from '../errors.js';
import type { CreateResponseParams, HostedToolRequest, ReasoningEcho } from './create-response-params.js';
import { FieldReader } from './field-reader.js';
import { parseInputEntries } from './input-items.js';
import { isOwnMcpEndpoint, servedInProcess } from './own-mcp-endpoint.js';

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const EMPTY_PARAMETERS = { type: 'object', properties: {} };

export interface ParseOptions {
  validator: JsonSchemaValidator;
  /** Tool types some tool provider serves (e.g. `mcp`, `code_interpreter`). */
  hostedToolTypes: ReadonlySet<string>;
  /**
   * Opens sealed reasoning in the input, and seals the response's reasoning when `include`
   * asks for `reasoning.encrypted_content`. Without it, blobs are kept unread and none are made.
   */
  reasoningSeal?: ReasoningSeal | undefined;
  /** Seals compaction summaries into `encrypted_content` and opens them when they come back. */
  compactionSeal?: ReasoningSeal | undefined;
  /** What is sent upstream (and echoed) when a request gives no `temperature` / `top_p`. */
  samplingDefaults?: SamplingDefaults | undefined;
  /** Pages of an `input_file` PDF read at most (`maxInputFilePages`). */
  maxInputFilePages?: number | undefined;
}

export interface SamplingDefaults {
  temperature: number;
  topP: number;
}

/** OpenAI's own defaults, for callers that configure none. */
const OPENAI_SAMPLING_DEFAULTS: SamplingDefaults = { temperature: 1, topP: 1 };

const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
/** `none` is what Codex sends to ask for no summary; it echoes as `null`. */
const REASONING_SUMMARIES = ['auto', 'concise', 'detailed', 'none'] as const;
const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority'] as const;
const VERBOSITIES = ['low', 'medium', 'high'] as const;

/** The `include` value that asks for reasoning items with `encrypted_content`. */
export const INCLUDE_ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** Checks a create-response body field by field; a bad field is a 400 that names it. */
/**
 * `requestHost`: the `Host` the request came to, so that an `mcp` tool naming this gateway's
 * own `/v1/mcp` as its `server_url` is served in process.
 */
export function parseCreateResponse(body: unknown, options: ParseOptions, requestHost?: string): CreateResponseParams {
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
  const inputEntries = root.has('input') ? parseInputEntries(root.raw('input'), 'input', {
    reasoningSeal: options.reasoningSeal, compactionSeal: options.compactionSeal, maxInputFilePages: options.maxInputFilePages,
  }) : [];
  const input = inputEntries.flatMap((entry) => (entry.kind === 'item' ? [entry.item] : []));
  const store = root.boolean('store') ?? true;
  const background = root.boolean('background') ?? false;
  if (background && !store) throw invalidRequest('background', "Background responses must be stored: 'background' needs 'store' to be true.");

  const offered = parseTools(root, options, requestHost);
  const { ignoredToolTypes, echoTools } = offered;
  const { toolChoice, allowed } = parseToolChoice(root, offered.functionTools, offered.hostedTools);
  // `allowed_tools`: the model is offered only those (so vLLM constrains to them); `tools` still echoes every one.
  const functionTools = allowed ? offered.functionTools.filter((tool) => allowed.functionNames.has(tool.name)) : offered.functionTools;
  const hostedTools = allowed ? offered.hostedTools.filter((tool) => allowed.hosted.some((entry) => entry.allows(tool))) : offered.hostedTools;
  const text = root.object('text');
  const { output, echo: formatEcho } = text ? parseOutput(text, options.validator) : TEXT_OUTPUT;
  const verbosity = text?.oneOf('verbosity', VERBOSITIES);
  const sampling = options.samplingDefaults ?? OPENAI_SAMPLING_DEFAULTS;
  const include = (root.array('include') ?? []).map((value, index) => {
    if (typeof value !== 'string') throw invalidRequest(`include[${index}]`, `'include[${index}]' must be a string.`, 'invalid_type');
    return value;
  });

  return {
    model,
    input,
    inputEntries,
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
    temperature: root.number('temperature', { min: 0, max: 2 }) ?? sampling.temperature,
    topP: root.number('top_p', { min: 0, max: 1 }) ?? sampling.topP,
    presencePenalty: root.number('presence_penalty', { min: -2, max: 2 }) ?? null,
    frequencyPenalty: root.number('frequency_penalty', { min: -2, max: 2 }) ?? null,
    topLogprobs: root.number('top_logprobs', { integer: true, min: 0, max: 20 }) ?? 0,
    metadata: root.metadata('metadata') ?? {},
    include,
    reasoningSeal: include.includes(INCLUDE_ENCRYPTED_REASONING) ? options.reasoningSeal : undefined,
    compactionSeal: options.compactionSeal,
    echo: {
      text: verbosity === undefined ? { format: formatEcho } : { format: formatEcho, verbosity },
      toolChoice: (root.raw('tool_choice') as JsonValue | undefined) ?? 'auto',
      tools: echoTools,
      truncation: root.oneOf('truncation', ['auto', 'disabled'] as const) ?? 'disabled',
      reasoning: parseReasoning(root),
      serviceTier: root.oneOf('service_tier', SERVICE_TIERS) ?? 'default',
      safetyIdentifier: root.string('safety_identifier', { maxLength: 64 }) ?? null,
      promptCacheKey: root.string('prompt_cache_key') ?? null,
      user: root.string('user') ?? null,
    },
  };
}

function parseReasoning(root: FieldReader): ReasoningEcho {
  const reasoning = root.object('reasoning');
  const summary = reasoning?.oneOf('summary', REASONING_SUMMARIES) ?? null;
  return {
    effort: reasoning?.oneOf('effort', REASONING_EFFORTS) ?? null,
    summary: summary === 'none' ? null : summary,
  };
}

function parseConversation(root: FieldReader): string | null {
  const raw = root.raw('conversation');
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') return root.string('conversation', { nonEmpty: true }) ?? null;
  const conversation = root.object('conversation');
  return conversation?.string('id', { required: true, nonEmpty: true }) ?? null;
}

/**
 * The request's tools. Function tools and `custom` tools are client tools; a `namespace`
 * tool's functions are client tools under `namespacedToolName`; hosted types go to their
 * provider; any other type is left out (and logged by the caller), never a failed request.
 * Every tool is echoed as sent, which is also what the encoder reads to show the model's
 * calls in the client's shapes again.
 */
function parseTools(root: FieldReader, options: ParseOptions, requestHost: string | undefined) {
  const functionTools: ClientTool[] = [];
  const hostedTools: HostedToolRequest[] = [];
  const ignoredToolTypes: string[] = [];
  const echoTools: JsonValue[] = [];
  const addClientTool = (tool: ClientTool, param: string) => {
    if (functionTools.some((existing) => existing.name === tool.name)) throw invalidRequest(param, `Duplicate tool name '${tool.name}'.`);
    functionTools.push(tool);
  };
  for (const tool of root.objects('tools') ?? []) {
    const type = tool.string('type', { required: true, nonEmpty: true });
    if (type === 'function') {
      const parsed = parseFunctionTool(tool, options.validator);
      addClientTool(parsed, tool.param('name'));
      echoTools.push({
        type: 'function', name: parsed.name, description: parsed.description ?? null,
        parameters: parsed.parameters as JsonValue, strict: parsed.strict ?? false,
      });
    } else if (type === 'custom') {
      addClientTool(parseCustomTool(tool), tool.param('name'));
      echoTools.push(tool.toObject() as JsonObject);
    } else if (type === 'namespace') {
      const namespace = tool.string('name', { required: true, nonEmpty: true, maxLength: MAX_NAMESPACE_LENGTH });
      const about = tool.string('description');
      for (const member of tool.objects('tools') ?? []) {
        const memberType = member.string('type', { required: true, nonEmpty: true });
        if (memberType !== 'function' && memberType !== 'custom') {
          ignoredToolTypes.push(`${memberType} (in namespace '${namespace}')`);
          continue;
        }
        const parsed = memberType === 'function' ? parseFunctionTool(member, options.validator) : parseCustomTool(member);
        // The model sees one flat list: the namespace's description goes with each of its tools.
        const description = [about === undefined ? undefined : `${namespace}: ${about}`, parsed.description].filter((part) => part !== undefined).join('\n\n');
        addClientTool({
          ...parsed, name: namespacedToolName(namespace, parsed.name),
          ...(description === '' ? {} : { description }),
        }, member.param('name'));
      }
      echoTools.push(tool.toObject() as JsonObject);
    } else if (options.hostedToolTypes.has(type)) {
      const config = tool.toObject() as JsonObject;
      const ownMcp = type === 'mcp' && isOwnMcpEndpoint(config.server_url, requestHost);
      hostedTools.push({ type, config: ownMcp ? servedInProcess(config) : config });
      echoTools.push(withoutSecrets(config));
    } else {
      ignoredToolTypes.push(type);
    }
  }
  return { functionTools, hostedTools, ignoredToolTypes, echoTools };
}

/** Namespace names (Codex: `mcp__<server>__`) are longer than function names may be; the flat names are cut to 64. */
const MAX_NAMESPACE_LENGTH = 128;

function parseFunctionTool(tool: FieldReader, validator: JsonSchemaValidator): ClientTool {
  const name = tool.string('name', { required: true, pattern: NAME_PATTERN });
  const parameters = tool.plainObject('parameters') ?? EMPTY_PARAMETERS;
  const problem = validator.checkSchema(parameters);
  if (problem) throw invalidRequest(tool.param('parameters'), `Invalid JSON Schema in '${tool.param('parameters')}': ${problem}`);
  const description = tool.string('description');
  const strict = tool.boolean('strict');
  return {
    name, parameters, execution: 'client',
    ...(description === undefined ? {} : { description }),
    ...(strict === undefined ? {} : { strict }),
  };
}

function parseCustomTool(tool: FieldReader): ClientTool {
  const name = tool.string('name', { required: true, pattern: NAME_PATTERN });
  return customToolFunction(name, tool.string('description'), parseCustomFormat(tool));
}

/** A grammar is described to the model; any other format (`text`, or one we do not know) is free text. */
function parseCustomFormat(tool: FieldReader): CustomToolFormat {
  const format = tool.object('format');
  if (format?.string('type') !== 'grammar') return { type: 'text' };
  return {
    type: 'grammar',
    syntax: format.string('syntax', { required: true, nonEmpty: true }),
    definition: format.string('definition', { required: true }),
  };
}

/** The tools an `allowed_tools` choice leaves the model: function and custom tools by name, hosted ones by type (and `server_label`). */
interface AllowedTools {
  functionNames: Set<string>;
  hosted: Array<{ allows(tool: HostedToolRequest): boolean }>;
}

function parseToolChoice(root: FieldReader, functionTools: readonly ClientTool[], hostedTools: readonly HostedToolRequest[]): { toolChoice: ModelToolChoice | undefined; allowed?: AllowedTools } {
  const raw = root.raw('tool_choice');
  if (raw === undefined || raw === null) return { toolChoice: undefined };
  if (typeof raw === 'string') return { toolChoice: root.oneOf('tool_choice', ['auto', 'none', 'required'] as const) };
  const choice = root.object('tool_choice')!;
  const type = choice.string('type', { required: true });
  if (type === 'function' || type === 'custom') return { toolChoice: { name: namedClientTool(choice, type, functionTools, 'tool_choice') } };
  if (type === 'allowed_tools') {
    const mode = choice.oneOf('mode', ['auto', 'required'] as const, { required: true })!;
    return { toolChoice: mode, allowed: parseAllowedTools(choice, functionTools, hostedTools) };
  }
  if (hostedTools.some((tool) => tool.type === type)) return { toolChoice: 'required' };
  // Tool types we do not serve leave the choice to the model.
  return { toolChoice: 'auto' };
}

/** A function or custom tool named in `tool_choice` (or one of its `allowed_tools`): one of the request's, or a 400. */
function namedClientTool(choice: FieldReader, type: 'function' | 'custom', functionTools: readonly ClientTool[], where: string): string {
  const declared = choice.string('name', { required: true })!;
  const namespace = type === 'function' ? choice.string('namespace', { nonEmpty: true }) : undefined;
  const name = namespace === undefined ? declared : namespacedToolName(namespace, declared);
  if (!functionTools.some((tool) => tool.name === name)) {
    throw invalidRequest(`${where}.name`, `Tool choice '${declared}' is not one of the request's ${type} tools.`);
  }
  return name;
}

function parseAllowedTools(choice: FieldReader, functionTools: readonly ClientTool[], hostedTools: readonly HostedToolRequest[]): AllowedTools {
  const entries = choice.objects('tools');
  if (!entries || entries.length === 0) throw invalidRequest(choice.param('tools'), `'${choice.param('tools')}' must name at least one of the request's tools.`);
  const allowed: AllowedTools = { functionNames: new Set(), hosted: [] };
  entries.forEach((entry, index) => {
    const where = `${choice.param('tools')}[${index}]`;
    const type = entry.string('type', { required: true })!;
    if (type === 'function' || type === 'custom') {
      allowed.functionNames.add(namedClientTool(entry, type, functionTools, where));
      return;
    }
    const label = entry.string('server_label');
    const allows = (tool: HostedToolRequest) => tool.type === type && (label === undefined || tool.config.server_label === label);
    if (!hostedTools.some(allows)) {
      throw invalidRequest(where, `'${where}' names a ${type} tool${label === undefined ? '' : ` '${label}'`} the request does not offer.`);
    }
    allowed.hosted.push({ allows });
  });
  return allowed;
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
      description: description ?? null,
    },
  };
}

/** Fields of a hosted tool that carry credentials (an MCP server's headers): never stored or echoed. */
const SECRET_TOOL_FIELDS = ['headers', 'authorization'];

function withoutSecrets(config: JsonObject): JsonObject {
  const echoed: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (!SECRET_TOOL_FIELDS.includes(key)) echoed[key] = value;
  }
  return echoed;
}
