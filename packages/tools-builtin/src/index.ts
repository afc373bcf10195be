export * from './code-interpreter/index.js';
