import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CapturedOutput } from './captured-output.js';
import { SandboxStartError } from './errors.js';
import type { SandboxCommand } from './sandbox-command.js';
import { WorkerMessageReader } from './worker-message-reader.js';
import type { CellOutcome, RunCellMessage, WorkerMessage } from './worker-protocol.js';

/** Why a worker stopped in the middle of (or between) calls. */
export type StopReason =
  /** The call ran past its wall-clock limit. */
  | 'timeout'
  /** The process went past its memory limit (RSS), or V8 ran out of heap. */
  | 'memory'
  /** The caller aborted the call. */
  | 'cancelled'
  /** The process exited on its own (the runtime broke, or the code ended it). */
  | 'crashed'
  /** Its container was ended (idle, evicted) or the interpreter closed. */
  | 'ended';

/** How one call on a worker ended. */
export type CellRun =
  /** `timedOut`: interrupted at the time limit (KeyboardInterrupt), the interpreter and its state intact. */
  | { kind: 'finished'; output: string; droppedChars: number; outcome: CellOutcome; timedOut: boolean }
  | { kind: 'stopped'; reason: StopReason; output: string; droppedChars: number; detail: string | undefined };

export interface RunCellOptions {
  /** Past this, Python gets KeyboardInterrupt. */
  timeoutMs: number;
  /** Past `timeoutMs` plus this, the process is killed: the code ignored the interrupt or was stuck where Python does not check for one. */
  interruptGraceMs: number;
  maxOutputChars: number;
  signal?: AbortSignal;
}

export interface SandboxWorkerOptions {
  command: SandboxCommand;
  /** RSS above which the process is killed. */
  memoryBytes: number;
  /** How often the RSS is read, for the whole life of the process (background tasks run between calls too). */
  memoryCheckIntervalMs: number;
  /** A worker not ready within this is killed. */
  startTimeoutMs: number;
  /** A protocol line longer than this ends the worker (output is cut well below it). */
  maxLineChars: number;
}

export interface WorkerReady {
  python: string;
  /** From spawn to ready: the cold start. */
  startMs: number;
}

interface RunningCell {
  id: number;
  output: CapturedOutput;
  resolve: (run: CellRun) => void;
  cleanup: () => void;
}

type Phase =
  | { name: 'starting' }
  | { name: 'idle' }
  | { name: 'running'; cell: RunningCell }
  | { name: 'exited'; reason: StopReason };

const STDERR_TAIL_CHARS = 4_000;

/** One Pyodide child process: started, run one call at a time, killed at its limits. */
export class SandboxWorker {
  readonly ready: Promise<WorkerReady>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: WorkerMessageReader;
  private readonly memoryWatch: NodeJS.Timeout;
  private readonly exitListeners: Array<(reason: StopReason) => void> = [];
  private phase: Phase = { name: 'starting' };
  private killedFor: StopReason | undefined;
  private crashMessage: string | undefined;
  private stderrTail = '';
  private cellIds = 0;
  private checkingMemory = false;
  private settleReady: { resolve: (ready: WorkerReady) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly options: SandboxWorkerOptions) {
    const startedAt = performance.now();
    this.reader = new WorkerMessageReader(options.maxLineChars);
    this.ready = new Promise<WorkerReady>((resolve, reject) => {
      this.settleReady = {
        resolve: (ready) => resolve({ ...ready, startMs: performance.now() - startedAt }),
        reject,
      };
    });
    this.ready.catch(() => undefined); // a pool may never ask; the failure is reported where it is awaited
    const { command } = options;
    this.child = spawn(command.command, [...command.args], { cwd: command.cwd, env: command.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined); // EPIPE when it died: 'exit' reports it
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('error', (error) => {
      this.crashMessage = error.message;
      this.handleExit();
    });
    // 'close', not 'exit': the output written just before a kill is still read first.
    this.child.on('close', () => this.handleExit());
    const startTimer = setTimeout(() => this.kill('timeout'), options.startTimeoutMs);
    this.ready.then(() => clearTimeout(startTimer), () => clearTimeout(startTimer));
    this.memoryWatch = setInterval(() => void this.checkMemory(), options.memoryCheckIntervalMs);
    this.memoryWatch.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.phase.name !== 'exited';
  }

  get busy(): boolean {
    return this.phase.name === 'running';
  }

  /** Called once when the process is gone, with why. */
  onExit(listener: (reason: StopReason) => void): void {
    if (this.phase.name === 'exited') listener(this.phase.reason);
    else this.exitListeners.push(listener);
  }

  private handleExit(): void {
    if (this.phase.name === 'exited') return;
    clearInterval(this.memoryWatch);
    const reason = this.killedFor ?? (/heap out of memory|Reached heap limit/.test(this.stderrTail) ? 'memory' : 'crashed');
    const previous = this.phase;
    this.phase = { name: 'exited', reason };
    if (previous.name === 'starting') {
      this.settleReady?.reject(new SandboxStartError(this.describeExit(reason)));
    } else if (previous.name === 'running') {
      const { cell } = previous;
      cell.cleanup();
      cell.resolve({ kind: 'stopped', reason, output: cell.output.text, droppedChars: cell.output.droppedChars, detail: this.crashMessage });
    }
    for (const listener of this.exitListeners.splice(0)) listener(reason);
  }

  /** Runs one cell; resolves with how it ended, also when the process had to be killed. */
  run(code: string, options: RunCellOptions): Promise<CellRun> {
    if (this.phase.name === 'exited') {
      return Promise.resolve({ kind: 'stopped', reason: this.phase.reason, output: '', droppedChars: 0, detail: this.crashMessage });
    }
    if (this.phase.name !== 'idle') throw new Error(`sandbox worker is ${this.phase.name}, not idle`);
    const id = (this.cellIds += 1);
    const output = new CapturedOutput(options.maxOutputChars);
    return new Promise<CellRun>((resolve) => {
      const timer = setTimeout(() => this.kill('timeout'), options.timeoutMs + options.interruptGraceMs);
      const onAbort = () => this.kill('cancelled');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      this.phase = { name: 'running', cell: { id, output, resolve, cleanup } };
      if (options.signal?.aborted) return this.kill('cancelled');
      const message: RunCellMessage = { type: 'run', id, code, maxOutputChars: options.maxOutputChars, timeoutMs: options.timeoutMs };
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Ends the process now (SIGKILL: Python running a loop answers nothing else). */
  kill(reason: StopReason): void {
    if (this.phase.name === 'exited') return;
    this.killedFor ??= reason;
    this.child.kill('SIGKILL');
  }

  /** The process's resident memory, from /proc (Linux); undefined elsewhere or once it is gone. */
  async residentBytes(): Promise<number | undefined> {
    if (this.child.pid === undefined || !this.alive) return undefined;
    try {
      const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  private async checkMemory(): Promise<void> {
    if (this.checkingMemory) return;
    this.checkingMemory = true;
    try {
      const rss = await this.residentBytes();
      if (rss !== undefined && rss > this.options.memoryBytes) this.kill('memory');
    } finally {
      this.checkingMemory = false;
    }
  }

  private onStdout(chunk: string): void {
    const read = this.reader.read(chunk);
    if (read.kind === 'oversized') {
      this.crashMessage = `the worker wrote a protocol line of ${read.chars} characters`;
      this.kill('crashed');
      return;
    }
    for (const message of read.messages) this.onMessage(message);
  }

  private onMessage(message: WorkerMessage): void {
    const phase = this.phase;
    switch (message.type) {
      case 'ready':
        if (phase.name !== 'starting') return;
        this.phase = { name: 'idle' };
        this.settleReady?.resolve({ python: message.python, startMs: 0 });
        return;
      case 'output':
        if (phase.name === 'running' && phase.cell.id === message.id) phase.cell.output.append(message.text);
        return;
      case 'result': {
        if (phase.name !== 'running' || phase.cell.id !== message.id) return;
        const { cell } = phase;
        cell.cleanup();
        this.phase = { name: 'idle' };
        cell.output.addDropped(message.droppedChars);
        cell.resolve({
          kind: 'finished', output: cell.output.text, droppedChars: cell.output.droppedChars, outcome: message.outcome, timedOut: message.timedOut,
        });
        return;
      }
      case 'crash':
        this.crashMessage = message.message;
        return;
    }
  }

  private describeExit(reason: StopReason): string {
    if (reason === 'timeout') return `not ready within ${this.options.startTimeoutMs} ms`;
    const detail = this.crashMessage ?? this.stderrTail.trim().split('\n').slice(-5).join('\n');
    return `the worker process exited before it was ready (${reason})${detail ? `: ${detail}` : ''}`;
  }
}
