export * from './logger.js';
export * from './plugin.js';
export * from './port-token.js';
export * from './tokens.js';
