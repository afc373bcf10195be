import {
  AGENT_MODEL_SPEC_VERSION, type CallOptions, collectModelResponse, type IAgentModel, JsonSchemaValidator, type ModelCapabilities,
  type ModelRequest, type ModelResponse, type ModelStreamEvent,
} from '@agentport/core';
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { CallDeadline } from './call-deadline.js';
import { errorFromAiSdk } from './error-from-ai-sdk.js';
import { type AiSdkLanguageModel, checkSpecificationVersion, startStream } from './language-model-versions.js';
import { requestToCallOptions } from './request-to-call-options.js';
import { StreamPartsToEvents } from './stream-parts-to-events.js';

/** What a caller knows better than the bridge: merged over `AI_SDK_MODEL_CAPABILITIES`. */
export type AiSdkCapabilityOverrides = Partial<Omit<ModelCapabilities, 'toolChoice'>> & {
  toolChoice?: Partial<ModelCapabilities['toolChoice']>;
};

export interface FromAiSdkOptions {
  /** Default `ai-sdk:<provider>:<modelId>`. */
  id?: string;
  /** Say `constrained` where you know the provider constrains decoding (vLLM's guided decoding, OpenAI's strict mode). */
  capabilities?: AiSdkCapabilityOverrides;
  /** One validator compiles each schema once; share it across models if you have many. */
  validator?: JsonSchemaValidator;
}

/**
 * What any AI SDK language model guarantees: the bridge checks tool calls and structured
 * output after decoding (`validated`), since the spec cannot say whether a provider constrains
 * it; reasoning and parallel calls are not promised (the spec has no switch for either).
 */
export const AI_SDK_MODEL_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  tools: true,
  toolChoice: Object.freeze({ auto: 'validated', required: 'validated', named: 'validated' }),
  structuredOutput: 'validated',
  reasoning: false,
  parallelToolCalls: false,
});

/** An AI SDK language model (spec V4 or V3) behind the model port. Build it with `fromAiSdk`. */
export class AiSdkAgentModel implements IAgentModel {
  readonly specificationVersion = AGENT_MODEL_SPEC_VERSION;
  readonly id: string;
  private readonly modelCapabilities: ModelCapabilities;
  private readonly validator: JsonSchemaValidator;

  constructor(readonly languageModel: AiSdkLanguageModel, options: FromAiSdkOptions = {}) {
    checkSpecificationVersion(languageModel);
    this.id = options.id ?? `ai-sdk:${languageModel.provider}:${languageModel.modelId}`;
    const overrides = options.capabilities ?? {};
    this.modelCapabilities = {
      ...AI_SDK_MODEL_CAPABILITIES,
      ...overrides,
      toolChoice: { ...AI_SDK_MODEL_CAPABILITIES.toolChoice, ...overrides.toolChoice },
    };
    this.validator = options.validator ?? new JsonSchemaValidator();
  }

  capabilities(): ModelCapabilities {
    return structuredClone(this.modelCapabilities);
  }

  stream(request: ModelRequest, options: CallOptions = {}): AsyncIterable<ModelStreamEvent> {
    return this.run(request, options);
  }

  /** The stream collected, so both share every mapping and check. */
  complete(request: ModelRequest, options: CallOptions = {}): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request, options));
  }

  private async *run(request: ModelRequest, options: CallOptions): AsyncGenerator<ModelStreamEvent> {
    const deadline = new CallDeadline(options);
    let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart> | undefined;
    try {
      if (deadline.stopReason) return yield { type: 'error', error: deadline.stopReason };
      const { callOptions, warnings } = requestToCallOptions(request, deadline.signal, options.headers);
      for (const warning of warnings) yield { type: 'warning', warning };
      reader = await this.open(callOptions, deadline);
      const translator = new StreamPartsToEvents(request, this.validator);
      while (true) {
        // Checked before every read: an abort between two events ends the stream with no more content.
        if (deadline.stopReason) return yield { type: 'error', error: deadline.stopReason };
        const next = await deadline.guard(reader.read());
        deadline.touch();
        if (next.done) return yield translator.end();
        for (const event of translator.push(next.value)) {
          yield event;
          if (event.type === 'finish' || event.type === 'error') return;
        }
      }
    } catch (error) {
      yield { type: 'error', error: deadline.stopReason ?? errorFromAiSdk(error) };
    } finally {
      deadline.dispose();
      reader?.cancel().catch(() => undefined);
    }
  }

  private async open(callOptions: LanguageModelV4CallOptions, deadline: CallDeadline): Promise<ReadableStreamDefaultReader<LanguageModelV4StreamPart>> {
    const started = startStream(this.languageModel, callOptions);
    try {
      return (await deadline.guard(started)).getReader();
    } catch (error) {
      // A stream that opens after the call gave up is closed at once.
      void started.then((late) => late.cancel(), () => undefined);
      throw error;
    }
  }
}

/** Any AI SDK language model (`@ai-sdk/openai-compatible`, `@ai-sdk/anthropic`, …) as an agentport `IAgentModel`. */
export function fromAiSdk(languageModel: AiSdkLanguageModel, options?: FromAiSdkOptions): AiSdkAgentModel {
  return new AiSdkAgentModel(languageModel, options);
}
