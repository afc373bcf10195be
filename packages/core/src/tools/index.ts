export * from './tool.js';
export * from './tool-policy.js';
export * from './tool-provider.js';
export * from './tool-registry.js';
