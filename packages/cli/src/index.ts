export { serve, type ServeHandle } from './serve-command.js';
export { parseServeOptions, SERVE_USAGE, type ServeOptions, UsageError } from './serve-options.js';
export { VllmProcess, type VllmProcessOptions } from './vllm-process.js';
export { CLI_ERRORS } from './error-catalogue.js';
export { demo, DEMO_SHELL_COMMANDS, type DemoHandle } from './demo-command.js';
export { DEMO_MODEL_NAME, demoModel, demoStep } from './demo-model.js';
export { DEMO_USAGE, parseDemoOptions, type DemoOptions } from './demo-options.js';
