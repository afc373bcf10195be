import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  AGENT_MODEL_SPEC_VERSION, type CallOptions, type IAgentModel, type ModelCapabilities, type ModelRequest, type ModelResponse,
  type ModelStreamEvent, ModelError, collectModelResponse,
} from '@agentport/core';

/**
 * A model that streams text deltas of `deltaBytes` until its call is aborted: a long answer,
 * for tests of what a gateway does with a client that stops reading. `streamedBytes` counts
 * what the gateway has pulled from it so far.
 */
export class EndlessModel implements IAgentModel {
  readonly specificationVersion = AGENT_MODEL_SPEC_VERSION;
  readonly id = 'endless';
  streamedBytes = 0;

  constructor(private readonly deltaBytes = 16 * 1024) {}

  capabilities(): ModelCapabilities {
    return { tools: true, toolChoice: { auto: 'constrained', required: 'constrained', named: 'constrained' }, structuredOutput: 'constrained', reasoning: false, parallelToolCalls: true };
  }

  complete(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request, options));
  }

  async *stream(_request: ModelRequest, options: CallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    const delta = 'x'.repeat(this.deltaBytes);
    while (!options.signal?.aborted) {
      this.streamedBytes += delta.length;
      yield { type: 'text-delta', delta };
      await nextTurn();
    }
    yield { type: 'error', error: new ModelError('cancelled', 'the model call was aborted') };
  }
}
