export * from './json-schema.js';
export * from './json-schema-validator.js';
