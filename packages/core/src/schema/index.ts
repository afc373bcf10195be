export * from './json-schema.js';
export * from './json-schema-validator.js';
export * from './json-copy.js';
