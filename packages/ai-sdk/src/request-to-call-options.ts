import type { CallOptions, ModelRequest, ModelToolChoice, ModelWarning } from '@agentport/core';
import type { JSONObject, JSONSchema7, LanguageModelV4CallOptions, LanguageModelV4ToolChoice } from '@ai-sdk/provider';
import { definedFields } from './defined-fields.js';
import { messagesToPrompt } from './messages-to-prompt.js';

export interface PreparedCall {
  callOptions: LanguageModelV4CallOptions;
  /** What the request asks for that the AI SDK's call options cannot say. */
  warnings: ModelWarning[];
}

/** A port request as the AI SDK's call options (`fromAiSdk`). */
export function requestToCallOptions(request: ModelRequest, signal: AbortSignal, headers: CallOptions['headers']): PreparedCall {
  const warnings: ModelWarning[] = [];
  if (request.parallelToolCalls === false) {
    warnings.push({
      code: 'unsupported_setting',
      message: 'parallelToolCalls: false has no AI SDK call option; set it in providerOptions where the provider has one',
    });
  }
  const callOptions: LanguageModelV4CallOptions = {
    prompt: messagesToPrompt(request.messages),
    abortSignal: signal,
    ...definedFields({
      maxOutputTokens: request.maxOutputTokens,
      temperature: request.temperature,
      topP: request.topP,
      presencePenalty: request.presencePenalty,
      frequencyPenalty: request.frequencyPenalty,
      stopSequences: request.stop,
      seed: request.seed,
      headers: headers ? { ...headers } : undefined,
      providerOptions: request.providerOptions as Record<string, JSONObject> | undefined,
      toolChoice: request.toolChoice === undefined ? undefined : toolChoiceOf(request.toolChoice),
    }),
  };
  if (request.tools?.length) {
    callOptions.tools = request.tools.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      inputSchema: tool.parameters as JSONSchema7,
      ...definedFields({ description: tool.description, strict: tool.strict }),
    }));
  }
  if (request.output) {
    const { name, schema, description } = request.output;
    callOptions.responseFormat = { type: 'json', name, schema: schema as JSONSchema7, ...definedFields({ description }) };
  }
  return { callOptions, warnings };
}

function toolChoiceOf(choice: ModelToolChoice): LanguageModelV4ToolChoice {
  return typeof choice === 'string' ? { type: choice } : { type: 'tool', toolName: choice.name };
}
