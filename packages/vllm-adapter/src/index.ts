export * from './chat-completion-wire.js';
export { ChatStreamDecoder, DONE_MARKER, type ChatStreamDecoderOptions, type StreamEnd } from './stream-decoder.js';
export { mapHttpError, mapStreamErrorChunk, mapTransportError, readErrorDetail } from './error-mapper.js';
export {
  mapChatCompletionRequest,
  preflightRequest,
  PROVIDER_OPTIONS_KEY,
  UNCONSTRAINED_AUTO_TOOL_CHOICE,
  usesStrictAutoToolChoice,
  type RequestMappingOptions,
  type RequestPreflight,
} from './request-mapper.js';
export { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
export * from './vllm-agent-model.js';
export { ReplicaRouter, type Replica, type ReplicaRouterOptions, type Route, type RouteReason } from './replica-router.js';
export * from './vllm-config.js';
export { VllmHttpClient, type HttpCallOptions, type ResponseTextStream, type StreamResponse, type VllmHttpClientOptions } from './vllm-http-client.js';
export * from './vllm-model-info.js';
export { VllmModelCatalog } from './vllm-model-catalog.js';
export * from './vllm-plugin.js';
export * from './vllm-model-catalog.js';
export * from './error-catalogue.js';
