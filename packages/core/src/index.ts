import 'reflect-metadata';

export * from './errors.js';
export * from './error-brand.js';
export * from './error-catalogue.js';
export * from './items/index.js';
export * from './model/index.js';
export * from './schema/index.js';
export * from './tools/index.js';
export * from './store/index.js';
export * from './agent/index.js';
export * from './kernel/index.js';
export * from './config/index.js';
export * from './metrics/index.js';
export * from './live/index.js';
export * from './tracing/index.js';
