import type { IAgentModel } from '../model/agent-model.js';
import type { ModelRequest } from '../model/model-request.js';
import type { ModelUsage } from '../model/model-usage.js';
import type { SpanAttributes } from './tracer.js';

/*
 * The OpenTelemetry GenAI semantic conventions (gen-ai-spans.md and gen-ai-agent-spans.md, as of
 * semantic-conventions at the commit before the GenAI pages moved to their own repository), in
 * the words we use them in: a model call is `chat {model}` of kind client, a tool call
 * `execute_tool {name}` of kind internal, a response `invoke_agent {agent}`.
 */

/** A model call's span name and attributes at its start: operation, provider, model and the sampling asked for. */
export function modelCallSpan(model: IAgentModel, request: ModelRequest): { name: string; attributes: SpanAttributes } {
  const { provider, name } = splitModelId(model.id);
  return {
    name: `chat ${name}`,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': name,
      'gen_ai.request.stream': true,
      'gen_ai.request.temperature': request.temperature,
      'gen_ai.request.top_p': request.topP,
      'gen_ai.request.max_tokens': request.maxOutputTokens,
      'gen_ai.output.type': request.output ? 'json' : 'text',
    },
  };
}

/** A model call's token counts, the cached and reasoning ones apart where the provider reports them. */
export function usageAttributes(usage: ModelUsage): SpanAttributes {
  return {
    'gen_ai.usage.input_tokens': usage.inputTokens,
    'gen_ai.usage.output_tokens': usage.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': usage.cachedInputTokens,
    'gen_ai.usage.reasoning.output_tokens': usage.reasoningTokens,
  };
}

/** A server tool call's span: `extension` in the conventions' words (it runs on the agent's side). */
export function toolCallSpan(toolName: string, callId: string): { name: string; attributes: SpanAttributes } {
  return {
    name: `execute_tool ${toolName}`,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': toolName,
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.type': 'extension',
    },
  };
}

/** `vllm:Qwen/Qwen3-8B` → provider `vllm`, model `Qwen/Qwen3-8B`; an id with no prefix is its own model name. */
function splitModelId(id: string): { provider: string; name: string } {
  const colon = id.indexOf(':');
  return colon > 0 ? { provider: id.slice(0, colon), name: id.slice(colon + 1) } : { provider: id, name: id };
}
