export * from './content.js';
export * from './item.js';
export * from './ids.js';
export * from './tool-result-item.js';
