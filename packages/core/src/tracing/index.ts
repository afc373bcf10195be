export * from './tracer.js';
export * from './gen-ai-attributes.js';
