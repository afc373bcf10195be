import type { CallOptions, IAgentModel, ModelRequest, ModelStreamEvent } from '@agentport/core';
import type {
  LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Content, LanguageModelV4GenerateResult, LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import { callOptionsToRequest } from './call-options-to-request.js';
import { asModelError, errorToAiSdk, type FailedCall } from './error-to-ai-sdk.js';
import { EventsToStreamParts } from './events-to-stream-parts.js';
import { finishToAiSdk } from './finish-reason.js';
import { usageToAiSdk } from './usage.js';
import { warningToAiSdk } from './warnings.js';

export interface ToAiSdkOptions {
  /** The AI SDK's provider name, for its logs and telemetry; default `agentport`. */
  provider?: string;
  /** Default the agentport model's id. */
  modelId?: string;
}

/**
 * Image URLs the model takes as they are; others `ai` downloads and hands over as bytes, which
 * go on as data URLs. The port carries no other files.
 */
const SUPPORTED_URLS: Record<string, RegExp[]> = { 'image/*': [/^https?:\/\/.*$/, /^data:image\/.*$/] };

/** An agentport `IAgentModel` as an AI SDK language model (spec V4). Build it with `toAiSdk`. */
export class AgentLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls = SUPPORTED_URLS;

  constructor(readonly agentModel: IAgentModel, options: ToAiSdkOptions = {}) {
    this.provider = options.provider ?? 'agentport';
    this.modelId = options.modelId ?? agentModel.id;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { request, warnings } = callOptionsToRequest(options);
    let response;
    try {
      response = await this.agentModel.complete(request, portCallOptions(options));
    } catch (error) {
      throw errorToAiSdk(error, this.failedCall(request, options));
    }
    const content: LanguageModelV4Content[] = [];
    if (response.reasoning !== '') content.push({ type: 'reasoning', text: response.reasoning });
    if (response.text !== '') content.push({ type: 'text', text: response.text });
    for (const call of response.toolCalls) content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.arguments });
    return {
      content,
      finishReason: finishToAiSdk(response.finishReason),
      usage: usageToAiSdk(response.usage),
      warnings: [...warnings, ...response.warnings.map(warningToAiSdk)],
      request: { body: request },
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { request, warnings } = callOptionsToRequest(options);
    const call = this.failedCall(request, options);
    const events = this.agentModel.stream(request, portCallOptions(options))[Symbol.asyncIterator]();
    const translator = new EventsToStreamParts(warnings, (error) => errorToAiSdk(error, call));
    // An error before any output rejects the call, as a provider's failed HTTP request does, so `ai` retries and reports it alike.
    const opening = await openingParts(events, translator).catch((error: unknown) => {
      throw errorToAiSdk(error, call);
    });
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        enqueueUntilTerminal(controller, opening, events);
      },
      async pull(controller) {
        let parts: LanguageModelV4StreamPart[] = [];
        try {
          while (parts.length === 0) {
            const next = await events.next();
            parts = next.done ? translator.end() : translator.push(next.value);
          }
        } catch (error) {
          // A model that throws instead of ending with an error event: the stream still ends with one.
          parts = translator.push({ type: 'error', error: asModelError(error) });
        }
        enqueueUntilTerminal(controller, parts, events);
      },
      async cancel() {
        await events.return?.();
      },
    });
    return { stream, request: { body: request } };
  }

  private failedCall(request: ModelRequest, options: LanguageModelV4CallOptions): FailedCall {
    return { url: `agentport:${this.agentModel.id}`, request, ...(options.abortSignal ? { signal: options.abortSignal } : {}) };
  }
}

/** Any agentport `IAgentModel` as an AI SDK language model, for `generateText`, `streamText`, `Output.object`, … of `ai`. */
export function toAiSdk(agentModel: IAgentModel, options?: ToAiSdkOptions): AgentLanguageModel {
  return new AgentLanguageModel(agentModel, options);
}

function portCallOptions(options: LanguageModelV4CallOptions): CallOptions {
  const headers = Object.entries(options.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
  };
}

/** Reads up to the first event that is not a warning; throws its error when the stream opens with one. */
async function openingParts(events: AsyncIterator<ModelStreamEvent>, translator: EventsToStreamParts): Promise<LanguageModelV4StreamPart[]> {
  while (true) {
    const next = await events.next();
    if (next.done) return translator.end();
    if (next.value.type === 'error') {
      await events.return?.();
      throw next.value.error;
    }
    const parts = translator.push(next.value);
    if (parts.length > 0) return parts;
  }
}

function enqueueUntilTerminal(
  controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>,
  parts: LanguageModelV4StreamPart[],
  events: AsyncIterator<ModelStreamEvent>,
): void {
  for (const part of parts) controller.enqueue(part);
  const last = parts.at(-1);
  if (last?.type === 'finish' || last?.type === 'error') {
    controller.close();
    void events.return?.();
  }
}
