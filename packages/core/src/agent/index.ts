export * from './agent.js';
export * from './agent-event.js';
export * from './client-tool-bridge.js';
export * from './items-to-messages.js';
export * from './tool-loop-agent.js';
export * from './compacted-view.js';
export * from './conversation-compaction.js';
