export * from './code-interpreter/index.js';
export * from './builtin-server/index.js';
export * from './shell/index.js';
export * from './http-get/index.js';
export * from './files/index.js';
export * from './mcp/index.js';
export * from './builtin-tools.js';
export * from './error-catalogue.js';
