import { AgentportError, errorMarker } from '@agentport/core';

/** A worker process did not get as far as running Python (Pyodide missing or broken, a flag Node refuses, …). */
export class SandboxStartError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/SandboxStartError');

  constructor(message: string, options?: ErrorOptions) {
    super('sandbox_start_failed', `the code interpreter could not start a worker: ${message}`, options);
  }
}

/** Every container is running a call, so none can be ended to make room for a new one. */
export class ContainerLimitError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/ContainerLimitError');

  constructor(readonly maxContainers: number) {
    super('container_limit', `all ${maxContainers} code interpreter containers are busy; try again when one is free`);
  }
}

/** The interpreter was closed (the app is stopping). */
export class InterpreterClosedError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/InterpreterClosedError');

  constructor() {
    super('interpreter_closed', 'the code interpreter is shut down');
  }
}
