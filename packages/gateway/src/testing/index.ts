// Test kit for gateways and clients of them: a real gateway on 127.0.0.1 over a recording
// store and an observed model, and checkers for the event streams it sends (SSE and WebSocket).
// Uses `openai`, `ws` and `vitest`, which a test setup has; the gateway itself never loads this.
export * from './endless-model.js';
export * from './gateway-harness.js';
export * from './observed-model.js';
export * from './recording-state-store.js';
export * from './response-stream-checker.js';
export * from './response-resource-schema.js';
export * from './sse-events.js';
export * from './stream-event-schema.js';
export * from './stream-and-retrieve.js';
export * from './websocket-frames.js';
