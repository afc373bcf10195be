import { ModelError } from '@agentport/core';
import type {
  LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Prompt, LanguageModelV4, LanguageModelV4CallOptions,
  LanguageModelV4Prompt, LanguageModelV4StreamPart,
} from '@ai-sdk/provider';

/** The AI SDK language models `fromAiSdk` takes: spec V4 (`ai` 7) and V3 (`ai` 6 providers). */
export type AiSdkLanguageModel = LanguageModelV4 | LanguageModelV3;

/** Refuses a model of a spec version the bridge does not speak, at construction rather than on the first call. */
export function checkSpecificationVersion(model: { specificationVersion?: unknown }): asserts model is AiSdkLanguageModel {
  const version = model.specificationVersion;
  if (version !== 'v4' && version !== 'v3') {
    throw new ModelError('unsupported_capability', `fromAiSdk takes AI SDK language models of spec v4 or v3, not ${String(version)}`);
  }
}

/**
 * Starts a model's stream in its own spec version. V3 differs from V4 where this bridge touches
 * it only in file parts (V3 takes the bytes or URL bare, V4 tags them); a V3 stream's parts are
 * V4 parts but for generated files, which the port does not carry.
 */
export async function startStream(model: AiSdkLanguageModel, options: LanguageModelV4CallOptions): Promise<ReadableStream<LanguageModelV4StreamPart>> {
  if (model.specificationVersion === 'v4') return (await model.doStream(options)).stream;
  const v3Options: LanguageModelV3CallOptions = { ...options, prompt: promptToV3(options.prompt) };
  return (await model.doStream(v3Options)).stream as ReadableStream<LanguageModelV4StreamPart>;
}

function promptToV3(prompt: LanguageModelV4Prompt): LanguageModelV3Prompt {
  return prompt.map((message) => {
    if (message.role !== 'user') return message;
    return {
      ...message,
      content: message.content.map((part) => {
        if (part.type !== 'file') return part;
        // The bridge writes URLs and bytes only (`messages-to-prompt.ts`).
        const { data } = part;
        return { ...part, data: data.type === 'url' ? data.url : data.type === 'data' ? data.data : '' };
      }),
    };
  }) as LanguageModelV3Prompt;
}
