import type { JsonSchema, ModelRequest, ModelToolChoice, ModelToolSpec } from '@agentport/core';
import type { LanguageModelV4CallOptions, LanguageModelV4ToolChoice, SharedV4Warning } from '@ai-sdk/provider';
import { definedFields } from './defined-fields.js';
import { promptToMessages } from './prompt-to-messages.js';

export interface MappedRequest {
  request: ModelRequest;
  /** What the call asks for that the port cannot carry: the call's `stream-start` warnings. */
  warnings: SharedV4Warning[];
}

/** The AI SDK's call options as a port request (`toAiSdk`). */
export function callOptionsToRequest(options: LanguageModelV4CallOptions): MappedRequest {
  const warnings: SharedV4Warning[] = [];
  const request: ModelRequest = {
    messages: promptToMessages(options.prompt, warnings),
    ...definedFields({
      temperature: options.temperature,
      topP: options.topP,
      presencePenalty: options.presencePenalty,
      frequencyPenalty: options.frequencyPenalty,
      maxOutputTokens: options.maxOutputTokens,
      stop: options.stopSequences,
      seed: options.seed,
      providerOptions: options.providerOptions,
      toolChoice: options.toolChoice === undefined ? undefined : toolChoiceOf(options.toolChoice),
    }),
  };
  const tools: ModelToolSpec[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function') {
      tools.push({ name: tool.name, parameters: tool.inputSchema as JsonSchema, ...definedFields({ description: tool.description, strict: tool.strict }) });
    } else {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}`, details: 'an agentport model takes function tools only' });
    }
  }
  if (tools.length > 0) request.tools = tools;
  if (options.responseFormat?.type === 'json') {
    const { schema, name, description } = options.responseFormat;
    // JSON without a schema: any JSON value fits the empty schema.
    request.output = { type: 'json_schema', name: name ?? 'response', schema: (schema ?? {}) as JsonSchema, ...definedFields({ description }) };
  }
  if (options.topK !== undefined) warnings.push({ type: 'unsupported', feature: 'topK' });
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') {
    warnings.push({ type: 'unsupported', feature: 'reasoning', details: 'set the model\'s reasoning through providerOptions' });
  }
  return { request, warnings };
}

function toolChoiceOf(choice: LanguageModelV4ToolChoice): ModelToolChoice {
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}
