export { loadChatStreamRecording, splitSseEvents, type ChatStreamRecording } from './chat-stream-recording.js';
export { checkChatRequest, errorTypeForStatus, type RequestCheckOptions, type VllmRejection } from './fake-request-checks.js';
export type {
  FakeEnding,
  FakeErrorTurn,
  FakeFinishReason,
  FakePart,
  FakeReplayTurn,
  FakeReply,
  FakeTiming,
  FakeTokensTurn,
  FakeTurn,
} from './fake-turn.js';
export {
  DEFAULT_FAKE_MODEL,
  FakeVllmServer,
  type FakeModel,
  type FakeVllmServerOptions,
  type RecordedRequest,
  type RequestOutcome,
} from './fake-vllm-server.js';
export { renderChatTemplate, tokenizeChat, type TokenizeChatBody } from './fake-tokenizer.js';
