export * from './tracer.js';
export * from './gen-ai-attributes.js';
export * from './span-record.js';
export * from './trace-recorder.js';
