export * from './argument-reader.js';
export * from './builtin-server-label.js';
export * from './builtin-tool-provider.js';
export * from './builtin-tool-selection.js';
export * from './builtin-tool.js';
export * from './errors.js';
export * from './mcp-call-item.js';
