export * from './agent.js';
export * from './agent-event.js';
