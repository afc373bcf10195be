import type { JsonSchema } from '@agentport/core';

/**
 * The `code-interpreter` plugin's configuration (env vars `AGENTPORT_CODE_INTERPRETER__<KEY>`,
 * e.g. `AGENTPORT_CODE_INTERPRETER__ENABLED=true`, `AGENTPORT_CODE_INTERPRETER__TIMEOUT_MS`).
 */
export interface CodeInterpreterConfig {
  /** Off until set: no worker process is started and requests naming `code_interpreter` get no tool. */
  enabled: boolean;
  /** Workers kept started and idle, so that a new container starts at once. */
  poolSize: number;
  /** Wall-clock limit of one call; past it the worker is killed and the container's variables are lost. */
  timeoutMs: number;
  /** Memory (RSS) of one worker process; Python gets MemoryError a little below it, the process is killed above it. */
  memoryMb: number;
  /** Characters of logs (output, last value, traceback) kept per call; the rest is cut with a note. */
  maxOutputChars: number;
  /** A container unused this long is ended: its worker stops and its variables are gone. */
  containerIdleSeconds: number;
  /** Containers alive at once, across tenants; a new one ends the least recently used idle one. */
  maxContainers: number;
  /** Start workers from a memory snapshot made at start: ready in well under a second instead of a few. */
  startupSnapshot: boolean;
}

export const CODE_INTERPRETER_DEFAULTS: Readonly<CodeInterpreterConfig> = Object.freeze({
  enabled: false,
  poolSize: 2,
  timeoutMs: 20_000,
  memoryMb: 512,
  maxOutputChars: 20_000,
  containerIdleSeconds: 1_200,
  maxContainers: 16,
  startupSnapshot: true,
});

/** An idle worker takes about 180-200 MB (RSS): below this Python would have next to no room. */
export const MIN_MEMORY_MB = 320;

/** The plugin's config schema; the kernel fills in the defaults and derives the env names from the keys. */
export const codeInterpreterConfigSchema: JsonSchema = {
  type: 'object',
  description: 'The `code_interpreter` tool type (`@agentport/tools-builtin`): Python in a pool of sandboxed Pyodide workers, state kept per container; off until enabled.',
  additionalProperties: false,
  properties: {
    enabled: {
      type: 'boolean',
      default: CODE_INTERPRETER_DEFAULTS.enabled,
      description: 'serve the code_interpreter tool type; off: no worker is started',
    },
    poolSize: {
      type: 'integer',
      minimum: 0,
      maximum: 64,
      default: CODE_INTERPRETER_DEFAULTS.poolSize,
      description: 'started, idle workers kept ready for new containers',
    },
    timeoutMs: {
      type: 'integer',
      minimum: 100,
      maximum: 3_600_000,
      default: CODE_INTERPRETER_DEFAULTS.timeoutMs,
      description: 'wall-clock limit of one call, in ms; past it the worker is killed and the container\'s variables are lost',
    },
    memoryMb: {
      type: 'integer',
      minimum: MIN_MEMORY_MB,
      maximum: 65_536,
      default: CODE_INTERPRETER_DEFAULTS.memoryMb,
      description: 'memory of one worker process (RSS), in MB; Python gets MemoryError a little below it, the process is killed above it',
    },
    maxOutputChars: {
      type: 'integer',
      minimum: 100,
      maximum: 10_000_000,
      default: CODE_INTERPRETER_DEFAULTS.maxOutputChars,
      description: 'characters of logs (output, last value, traceback) kept per call; the rest is cut with a note',
    },
    containerIdleSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      // Node's timers take at most 2^31-1 ms (about 24.8 days).
      maximum: 2_000_000,
      default: CODE_INTERPRETER_DEFAULTS.containerIdleSeconds,
      description: 'seconds a container may stay unused; then its worker stops and its variables are gone',
    },
    maxContainers: {
      type: 'integer',
      minimum: 1,
      maximum: 10_000,
      default: CODE_INTERPRETER_DEFAULTS.maxContainers,
      description: 'containers alive at once; the least recently used idle one is ended for a new one',
    },
    startupSnapshot: {
      type: 'boolean',
      default: CODE_INTERPRETER_DEFAULTS.startupSnapshot,
      description: 'start workers from a memory snapshot of a fresh interpreter, made at start',
    },
  },
};
