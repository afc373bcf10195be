export * from './response-signals.js';
export * from './in-process-response-signals.js';
export * from './shared-key-limits.js';
