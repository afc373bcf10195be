import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SandboxStartError } from './errors.js';
import type { SnapshotUse, WorkerSettings } from './worker-protocol.js';

/** How to start one worker process. */
export interface SandboxCommand {
  command: string;
  args: readonly string[];
  cwd: string;
  /** Empty: the worker sees none of the gateway's environment (keys, tokens, `NODE_OPTIONS`). */
  env: Record<string, string>;
  /** The only paths the worker may read. */
  readablePaths: readonly string[];
  /** The only path it may write: the snapshot it makes, when it makes one; else none. */
  writablePaths: readonly string[];
}

export interface SandboxCommandOptions {
  /** The worker's memory limit (RSS); also its V8 heap limit. */
  memoryMb: number;
  /** Python's heap stops growing this far below `memoryMb`, so it raises MemoryError before the process is killed. */
  heapHeadroomMb: number;
  snapshot: SnapshotUse;
}

const MB = 1024 * 1024;

/**
 * The command line of a worker: Node's permission model with reads of the Pyodide package and
 * the worker script only, and no grant of anything else (no `--allow-fs-write`,
 * `--allow-child-process`, `--allow-worker`, `--allow-addons`, `--allow-wasi`,
 * `--allow-inspector`). `--disallow-code-generation-from-strings` takes away `eval` and
 * `Function`, the usual way out of Pyodide's `js` module. A worker that starts from a snapshot
 * may also read that file; the one that makes it may write it (and runs no user code).
 */
export function sandboxCommand(options: SandboxCommandOptions): SandboxCommand {
  const pyodideDir = pyodideDirectory();
  const worker = workerScript();
  const settings: WorkerSettings = {
    pyodideUrl: pathToFileURL(join(pyodideDir, 'pyodide.mjs')).href,
    memoryBytes: options.memoryMb * MB,
    heapHeadroomBytes: options.heapHeadroomMb * MB,
    snapshot: options.snapshot,
  };
  const readablePaths = options.snapshot.kind === 'load' ? [pyodideDir, worker, options.snapshot.path] : [pyodideDir, worker];
  const writablePaths = options.snapshot.kind === 'make' ? [options.snapshot.path] : [];
  return {
    command: process.execPath,
    args: [
      '--permission',
      ...readablePaths.map((path) => `--allow-fs-read=${path}`),
      ...writablePaths.map((path) => `--allow-fs-write=${path}`),
      '--disallow-code-generation-from-strings',
      '--no-addons',
      `--max-old-space-size=${options.memoryMb}`,
      '--disable-warning=ExperimentalWarning',
      worker,
      JSON.stringify(settings),
    ],
    cwd: pyodideDir,
    env: {},
    readablePaths,
    writablePaths,
  };
}

function pyodideDirectory(): string {
  try {
    return realpathSync(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')));
  } catch (error) {
    throw new SandboxStartError('the pyodide package is not installed', { cause: error });
  }
}

/** The compiled `.mjs` next to this module, or the `.mts` source when running from source (type stripping). */
function workerScript(): string {
  const name = import.meta.url.endsWith('.ts') ? './sandbox-worker.mts' : './sandbox-worker.mjs';
  return realpathSync(fileURLToPath(new URL(name, import.meta.url)));
}
