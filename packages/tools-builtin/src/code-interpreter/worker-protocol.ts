/**
 * The messages between the interpreter and one sandboxed worker process: one JSON object per
 * line, parent to child on the child's stdin, child to parent on its stdout. The child runs
 * untrusted code, so the parent treats every line it reads as untrusted too.
 */

/** What the child needs to start, passed as one JSON argument. */
export interface WorkerSettings {
  /** `file:` URL of `pyodide.mjs`. */
  pyodideUrl: string;
  /** The most memory (RSS) the worker may use; Python's heap stops growing a little below it. */
  memoryBytes: number;
  /** How far below `memoryBytes` Python's heap stops growing, so MemoryError comes before a kill. */
  heapHeadroomBytes: number;
  snapshot: SnapshotUse;
}

/**
 * A memory snapshot of a freshly started interpreter turns a start of seconds into a fraction
 * of one. `make`: start Python, write the snapshot to `path`, exit (the only run allowed to
 * write, and it runs no user code). `load`: start from it.
 */
export type SnapshotUse = { kind: 'none' } | { kind: 'make'; path: string } | { kind: 'load'; path: string };

/** Parent to child: run one cell. */
export interface RunCellMessage {
  type: 'run';
  id: number;
  code: string;
  /** The child forwards at most this many characters of output, and cuts the value and traceback to it. */
  maxOutputChars: number;
  /** Past this, Python gets KeyboardInterrupt (the parent kills the process if that does not end the cell). */
  timeoutMs: number;
}

export type ParentMessage = RunCellMessage;

export type OutputStream = 'stdout' | 'stderr';

/** Child to parent. */
export type WorkerMessage =
  | { type: 'ready'; python: string; rssBytes: number }
  | { type: 'output'; id: number; stream: OutputStream; text: string }
  /** `timedOut`: the cell was interrupted at its time limit. */
  | { type: 'result'; id: number; outcome: CellOutcome; droppedChars: number; timedOut: boolean }
  /** The runtime failed in a way the child cannot recover from; it exits after sending this. */
  | { type: 'crash'; message: string };

/** How a cell ended inside a working interpreter. */
export type CellOutcome =
  /** `value`: the repr of the last expression, or null when there is none (or it is None). */
  | { kind: 'value'; value: string | null }
  /** A Python exception, formatted as Python prints it (user frames only). */
  | { kind: 'exception'; traceback: string };
