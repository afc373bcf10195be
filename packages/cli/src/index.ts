export { serve, type ServeHandle } from './serve-command.js';
export { parseServeOptions, SERVE_USAGE, type ServeOptions, UsageError } from './serve-options.js';
export { VllmProcess, type VllmProcessOptions } from './vllm-process.js';
export { CLI_ERRORS } from './error-catalogue.js';
