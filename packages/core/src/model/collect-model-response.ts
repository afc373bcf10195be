import { ModelError } from './model-error.js';
import type { ModelResponse } from './model-response.js';
import type { ModelStreamEvent } from './model-stream-event.js';
import { addUsage, type ModelUsage } from './model-usage.js';

/**
 * Turns a model stream into a `ModelResponse`, so an adapter writes its stream once and
 * `complete()` shares its mapping and validation. Throws the stream's `ModelError`, and an
 * `invalid_chunk` error when the stream breaks the port's rules (no terminal event, events
 * after it).
 */
export async function collectModelResponse(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelResponse> {
  const response: ModelResponse = { text: '', reasoning: '', toolCalls: [], finishReason: 'stop', warnings: [] };
  let usage: ModelUsage | undefined;
  let finished = false;
  for await (const event of stream) {
    if (finished) throw new ModelError('invalid_chunk', `model stream sent "${event.type}" after its finish event`);
    switch (event.type) {
      case 'warning':
        response.warnings.push(event.warning);
        break;
      case 'text-delta':
        response.text += event.delta;
        break;
      case 'reasoning-delta':
        response.reasoning += event.delta;
        break;
      case 'tool-call-delta':
        break;
      case 'tool-call':
        response.toolCalls.push({ id: event.toolCallId, name: event.toolName, arguments: event.arguments, input: event.input });
        break;
      case 'structured-output':
        response.structuredOutput = { text: event.text, value: event.value };
        break;
      case 'usage':
        usage = usage ? addUsage(usage, event.usage) : event.usage;
        break;
      case 'finish':
        response.finishReason = event.reason;
        finished = true;
        break;
      case 'error':
        throw event.error;
    }
  }
  if (!finished) throw new ModelError('invalid_chunk', 'model stream ended without a finish event');
  if (usage) response.usage = usage;
  return response;
}
