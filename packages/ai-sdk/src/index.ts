export { AI_SDK_MODEL_CAPABILITIES, AiSdkAgentModel, type AiSdkCapabilityOverrides, fromAiSdk, type FromAiSdkOptions } from './ai-sdk-agent-model.js';
export { AgentLanguageModel, toAiSdk, type ToAiSdkOptions } from './agent-language-model.js';
export { errorFromAiSdk } from './error-from-ai-sdk.js';
export { errorToAiSdk, type FailedCall } from './error-to-ai-sdk.js';
export type { AiSdkLanguageModel } from './language-model-versions.js';
