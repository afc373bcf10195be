export * from './scripted-model.js';
export * from './model-conformance.js';
