export * from './records.js';
export * from './state-store.js';
