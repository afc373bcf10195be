import type { CallOptions, IAgentModel, ModelCapabilities, ModelRequest, ModelResponse, ModelStreamEvent } from '@agentport/core';
import { collectModelResponse } from '@agentport/core';

/** One `stream` call as the model saw it. */
export interface ObservedCall {
  request: ModelRequest;
  /** The events the consumer pulled, in order. */
  events: ModelStreamEvent[];
  /** Whether the call's signal was aborted by the time its stream ended. */
  aborted: boolean;
  /** Resolves once the consumer stopped reading (the stream ended or was returned). */
  ended: Promise<void>;
}

/** Wraps a model and records, per call, what the consumer read and whether it aborted the call. */
export class ObservedModel implements IAgentModel {
  readonly specificationVersion: IAgentModel['specificationVersion'];
  readonly id: string;
  readonly calls: ObservedCall[] = [];
  /** There exactly when the inner model can count. */
  readonly countInputTokens?: (request: ModelRequest, options?: CallOptions) => Promise<number>;

  constructor(private readonly inner: IAgentModel) {
    this.specificationVersion = inner.specificationVersion;
    this.id = inner.id;
    if (inner.countInputTokens) this.countInputTokens = (request, options) => inner.countInputTokens!(request, options);
  }

  capabilities(): ModelCapabilities {
    return this.inner.capabilities();
  }

  complete(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request, options));
  }

  stream(request: ModelRequest, options: CallOptions = {}): AsyncIterable<ModelStreamEvent> {
    let markEnded!: () => void;
    const call: ObservedCall = {
      request, events: [], aborted: false, ended: new Promise<void>((resolve) => { markEnded = resolve; }),
    };
    this.calls.push(call);
    const inner = this.inner.stream(request, options);
    return (async function* () {
      try {
        for await (const event of inner) {
          call.events.push(event);
          yield event;
        }
      } finally {
        call.aborted = options.signal?.aborted ?? false;
        markEnded();
      }
    })();
  }
}
