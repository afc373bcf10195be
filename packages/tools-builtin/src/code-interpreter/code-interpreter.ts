import type { Logger } from '@agentport/core';
import { CODE_INTERPRETER_DEFAULTS, MIN_MEMORY_MB, type CodeInterpreterConfig } from './code-interpreter-config.js';
import { ContainerRegistry, type Container, type ContainerRef } from './container-registry.js';
import { composeLogs, type LogParts } from './execution-logs.js';
import { sandboxCommand, type SandboxCommand } from './sandbox-command.js';
import { SandboxWorker, type CellRun, type StopReason } from './sandbox-worker-process.js';
import { makeStartupSnapshot, type StartupSnapshot } from './startup-snapshot.js';
import { WarmWorkerPool } from './warm-worker-pool.js';

/** The limits of the plugin config, plus the finer ones only code sets. */
export interface CodeInterpreterOptions extends Omit<CodeInterpreterConfig, 'enabled'> {
  /** Python's heap stops growing this far below `memoryMb`, so that it raises MemoryError before the process is killed. */
  heapHeadroomMb: number;
  /**
   * At `timeoutMs` Python gets KeyboardInterrupt and the container keeps its state; a call
   * still running this much later (it caught the interrupt, or sat in `time.sleep`) has its
   * worker killed.
   */
  interruptGraceMs: number;
  /** A worker not ready within this is killed (Pyodide loads in about 2 s on an idle core). */
  startTimeoutMs: number;
  /** How often each worker's RSS is read. */
  memoryCheckIntervalMs: number;
  /** Told when the startup snapshot cannot be made (workers then start in full). */
  logger?: Logger;
}

export const CODE_INTERPRETER_OPTION_DEFAULTS: Readonly<CodeInterpreterOptions> = Object.freeze({
  poolSize: CODE_INTERPRETER_DEFAULTS.poolSize,
  timeoutMs: CODE_INTERPRETER_DEFAULTS.timeoutMs,
  memoryMb: CODE_INTERPRETER_DEFAULTS.memoryMb,
  maxOutputChars: CODE_INTERPRETER_DEFAULTS.maxOutputChars,
  containerIdleSeconds: CODE_INTERPRETER_DEFAULTS.containerIdleSeconds,
  maxContainers: CODE_INTERPRETER_DEFAULTS.maxContainers,
  startupSnapshot: CODE_INTERPRETER_DEFAULTS.startupSnapshot,
  heapHeadroomMb: 48,
  interruptGraceMs: 2_000,
  startTimeoutMs: 60_000,
  memoryCheckIntervalMs: 100,
});

export interface RunCodeRequest {
  tenant: string;
  container: ContainerRef;
  code: string;
  /** Aborting kills the worker running the code (the container's variables are lost) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called when the code starts running on a worker (after a queue or a cold start). */
  onStart?: () => void;
}

/** How a call ended, as the `code_interpreter_call` item shows it. */
export interface CodeRunReport {
  /** `failed`: the code was stopped (time limit, memory limit, crash); a Python exception is `completed`, with its traceback. */
  status: 'completed' | 'failed';
  logs: string;
}

/** A protocol line may hold a whole chunk of output, JSON-escaped: up to six bytes a character. */
const LINE_CHARS_PER_OUTPUT_CHAR = 8;
const LINE_OVERHEAD_CHARS = 64 * 1024;

/**
 * Runs Python for agents: each container is a Pyodide worker process of its own, sandboxed
 * (see `sandboxCommand` and the worker script); a warm pool hands new containers a started
 * worker; each call has a wall-clock limit, a memory limit and an output cap.
 */
export class CodeInterpreter {
  readonly options: Readonly<CodeInterpreterOptions>;
  private command: SandboxCommand;
  private snapshot: StartupSnapshot | undefined;
  private readonly pool: WarmWorkerPool;
  private readonly containers: ContainerRegistry;

  constructor(options: Partial<CodeInterpreterOptions> = {}) {
    this.options = { ...CODE_INTERPRETER_OPTION_DEFAULTS, ...options };
    const { memoryMb, heapHeadroomMb } = this.options;
    if (memoryMb < MIN_MEMORY_MB) throw new RangeError(`memoryMb must be at least ${MIN_MEMORY_MB} (an idle worker takes about 200 MB)`);
    this.command = sandboxCommand({ memoryMb, heapHeadroomMb, snapshot: { kind: 'none' } });
    this.pool = new WarmWorkerPool(this.options.poolSize, () => this.spawnWorker());
    this.containers = new ContainerRegistry({
      maxContainers: this.options.maxContainers,
      idleMs: this.options.containerIdleSeconds * 1000,
    });
  }

  /** Makes the startup snapshot, starts the warm pool and waits until its workers are ready; fails if Pyodide cannot start. */
  async start(): Promise<void> {
    if (this.options.startupSnapshot && !this.snapshot) await this.useStartupSnapshot();
    await this.pool.start();
  }

  /** Live containers, started workers waiting for one, and whether workers start from a snapshot. */
  get stats(): { containers: number; warmWorkers: number; fromSnapshot: boolean } {
    return { containers: this.containers.size, warmWorkers: this.pool.warmCount, fromSnapshot: this.snapshot !== undefined };
  }

  /** Starts a worker outside the pool (for measurements); the caller kills it. */
  spawnWorker(): SandboxWorker {
    return new SandboxWorker({
      command: this.command,
      memoryBytes: this.options.memoryMb * 1024 * 1024,
      memoryCheckIntervalMs: this.options.memoryCheckIntervalMs,
      startTimeoutMs: this.options.startTimeoutMs,
      maxLineChars: this.options.maxOutputChars * LINE_CHARS_PER_OUTPUT_CHAR + LINE_OVERHEAD_CHARS,
    });
  }

  /** Runs code in the container; rejects only when the request is aborted or no container can be had. */
  run(request: RunCodeRequest): Promise<CodeRunReport> {
    return this.containers.use(request.tenant, request.container, request.signal, (container) => this.runIn(container, request));
  }

  /** Kills every worker and removes the snapshot. */
  async close(): Promise<void> {
    this.pool.close();
    this.containers.close();
    await this.snapshot?.remove();
    this.snapshot = undefined;
  }

  private async useStartupSnapshot(): Promise<void> {
    const { memoryMb, heapHeadroomMb, startTimeoutMs } = this.options;
    try {
      this.snapshot = await makeStartupSnapshot({ memoryMb, heapHeadroomMb, timeoutMs: startTimeoutMs });
      this.command = sandboxCommand({ memoryMb, heapHeadroomMb, snapshot: { kind: 'load', path: this.snapshot.path } });
    } catch (error) {
      this.options.logger?.warn({
        error: error instanceof Error ? error.message : String(error),
      }, 'code interpreter: no startup snapshot, workers start in full');
    }
  }

  private async runIn(container: Container, request: RunCodeRequest): Promise<CodeRunReport> {
    const note = container.pendingNote;
    container.pendingNote = undefined;
    const worker = await this.workerOf(container, request.signal);
    request.onStart?.();
    const run = await worker.run(request.code, {
      timeoutMs: this.options.timeoutMs,
      interruptGraceMs: this.options.interruptGraceMs,
      maxOutputChars: this.options.maxOutputChars,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (run.kind === 'stopped' && run.reason === 'cancelled' && request.signal?.aborted) throw request.signal.reason;
    return {
      status: run.kind === 'finished' && !run.timedOut ? 'completed' : 'failed',
      logs: composeLogs(this.logParts(run, note), this.options.maxOutputChars),
    };
  }

  private async workerOf(container: Container, signal: AbortSignal | undefined): Promise<SandboxWorker> {
    if (container.worker?.alive) return container.worker;
    const worker = await this.pool.take(signal);
    container.worker = worker;
    worker.onExit((reason) => {
      if (container.worker !== worker) return;
      container.worker = undefined;
      container.pendingNote = `Note: this container's interpreter was restarted after ${restartCause(reason)}; variables defined before are gone.`;
    });
    return worker;
  }

  private logParts(run: CellRun, note: string | undefined): LogParts {
    const parts: LogParts = { output: run.output, droppedChars: run.droppedChars, ...(note ? { note } : {}) };
    if (run.kind === 'stopped') return { ...parts, ending: { kind: 'stopped', text: this.stopMessage(run.reason, run.detail) } };
    if (run.timedOut) {
      const traceback = run.outcome.kind === 'exception' ? run.outcome.traceback : '';
      const text = `${traceback}${traceback.endsWith('\n') || !traceback ? '' : '\n'}Execution stopped: the code ran past the time limit of ${this.options.timeoutMs} ms and was interrupted. Variables defined so far are kept.`;
      return { ...parts, ending: { kind: 'traceback', text } };
    }
    if (run.outcome.kind === 'exception') return { ...parts, ending: { kind: 'traceback', text: run.outcome.traceback } };
    return run.outcome.value === null ? parts : { ...parts, ending: { kind: 'value', text: run.outcome.value } };
  }

  private stopMessage(reason: StopReason, detail: string | undefined): string {
    const lost = 'The interpreter was stopped: the next call starts a new one, without the variables defined so far.';
    switch (reason) {
      case 'timeout':
        return `Execution stopped: the code ran past the time limit of ${this.options.timeoutMs} ms and did not stop when interrupted. ${lost}`;
      case 'memory':
        return `Execution stopped: the interpreter went past the memory limit of ${this.options.memoryMb} MB. ${lost}`;
      case 'cancelled':
        return `Execution cancelled. ${lost}`;
      case 'ended':
        return 'Execution stopped: the container was shut down.';
      case 'crashed':
        return `Execution stopped: the interpreter exited unexpectedly${detail ? ` (${firstLine(detail)})` : ''}. ${lost}`;
    }
  }
}

function restartCause(reason: StopReason): string {
  switch (reason) {
    case 'timeout':
      return 'a call ran past the time limit';
    case 'memory':
      return 'it went past the memory limit';
    case 'cancelled':
      return 'a call was cancelled';
    case 'ended':
      return 'it was shut down';
    case 'crashed':
      return 'it exited unexpectedly';
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.slice(0, 300) ?? '';
}
