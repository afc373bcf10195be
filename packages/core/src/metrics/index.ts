export * from './metric-registry.js';
export * from './prometheus-metrics.js';
