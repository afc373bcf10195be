export * from './confined-root.js';
export * from './errors.js';
export * from './files-config.js';
export * from './files-plugin.js';
export * from './files-tools.js';
