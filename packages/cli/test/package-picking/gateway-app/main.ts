// Project (a) of the package-picking test: an app that picks core and the gateway only, with its
// own model and core's in-memory store. It runs from a temporary folder where both packages are
// installed from their packed tarballs (Node strips the types), and `tsc` checks it there.
import {
  AGENT_MODEL_SPEC_VERSION, MemoryStateStore, collectModelResponse, createLogger,
  type IAgentModel, type ModelCapabilities, type ModelRequest, type ModelResponse, type ModelStreamEvent,
} from '@agentport/core';
import { Gateway } from '@agentport/gateway';

/** A model of the app's own: streams one fixed answer, whatever it is asked. */
class FixedAnswerModel implements IAgentModel {
  readonly specificationVersion = AGENT_MODEL_SPEC_VERSION;
  readonly id = 'fixed:answer';

  capabilities(): ModelCapabilities {
    return {
      tools: false,
      toolChoice: { auto: 'unsupported', required: 'unsupported', named: 'unsupported' },
      structuredOutput: 'unsupported',
      reasoning: false,
      parallelToolCalls: false,
    };
  }

  complete(request: ModelRequest): Promise<ModelResponse> {
    return collectModelResponse(this.stream(request));
  }

  async *stream(_request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    for (const delta of ['Picked ', 'packages ', 'work.']) yield { type: 'text-delta', delta };
    yield { type: 'usage', usage: { inputTokens: 3, outputTokens: 3, totalTokens: 6 } };
    yield { type: 'finish', reason: 'stop' };
  }
}

const gateway = await Gateway.create({
  store: new MemoryStateStore(),
  model: new FixedAnswerModel(),
  config: { host: '127.0.0.1', port: 0, apiKeys: ['sk-pick:team-pick'] },
  logger: createLogger({ level: 'error' }),
});
const url = await gateway.listen();
try {
  const reply = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-pick' },
    body: JSON.stringify({ model: 'fixed:answer', input: 'Does picking work?' }),
  });
  const body = (await reply.json()) as { status?: string; output?: Array<{ type: string; content?: Array<{ type: string; text?: string }> }> };
  const text = (body.output ?? [])
    .flatMap((item) => (item.type === 'message' ? item.content ?? [] : []))
    .map((part) => part.text ?? '')
    .join('');
  console.log(JSON.stringify({ httpStatus: reply.status, status: body.status, text }));
} finally {
  await gateway.close();
}
