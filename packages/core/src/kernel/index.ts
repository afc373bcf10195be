export * from './logger.js';
export * from './plugin.js';
export * from './port-token.js';
export * from './tokens.js';
export * from './create-app.js';
export * from './define-plugin.js';
export * from './container-port-resolver.js';
export * from './missing-ports-error.js';
