export * from './records.js';
export * from './state-store.js';
export * from './page-request.js';
export * from './memory-state-store.js';
export * from './memory-store-plugin.js';
export * from './store-fault-error.js';
export * from './usage-records.js';
