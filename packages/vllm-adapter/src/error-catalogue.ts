import type { ErrorCatalogue, ModelErrorCode } from '@agentport/core';

/**
 * The adapter throws core's `ModelError` only; these are the codes it produces and what each
 * means when vLLM is on the other side.
 */
export const VLLM_ERRORS = {
  bad_request: "vLLM answered 400 (or another 4xx it does not name), or the request uses a field vLLM removed (guided_*).",
  context_length_exceeded: "vLLM answered 400/413 saying the prompt is longer than the model's context.",
  model_not_found: 'vLLM answered 404, or does not list the configured model.',
  rate_limited: 'vLLM answered 429.',
  provider_error: 'vLLM answered 5xx, sent an error chunk mid-stream, or the adapter failed unexpectedly.',
  timeout: 'vLLM did not answer within the call timeout (or answered 408).',
  transport: 'The connection to vLLM failed or broke off.',
  invalid_chunk: 'vLLM sent a stream chunk that does not parse as a chat completion chunk.',
  invalid_tool_arguments: "A tool call's arguments from vLLM are not valid JSON.",
  invalid_structured_output: 'The output does not parse as the JSON the request asked for.',
  refusal: 'The model answered with a refusal.',
  unsupported_capability: 'The request asks for something this model is configured not to do.',
  cancelled: "The call was aborted through its signal.",
} as const satisfies Partial<Record<ModelErrorCode, string>> & ErrorCatalogue;
