export * from './scripted-model.js';
export * from './model-conformance.js';
export * from './conformance-scripted-step.js';
export * from './state-store-conformance/index.js';
export * from './text-pieces.js';
export * from './store-fixtures.js';
export * from './recording-logger.js';
export * from './recording-tracer.js';
