export * from './code-interpreter.js';
export * from './code-interpreter-config.js';
export * from './code-interpreter-plugin.js';
export * from './code-interpreter-provider.js';
export * from './code-interpreter-tool.js';
export type { Container, ContainerRef } from './container-registry.js';
export * from './errors.js';
export type { CellRun, RunCellOptions, StopReason, WorkerReady } from './sandbox-worker-process.js';
export { SandboxWorker } from './sandbox-worker-process.js';
