/**
 * The code interpreter's child process: Pyodide behind Node's permission model.
 *
 * Started by `sandboxCommand()` as `node --permission --allow-fs-read=<pyodide dir>
 * --allow-fs-read=<this file> --disallow-code-generation-from-strings … sandbox-worker.mjs
 * <settings JSON>`. The permission model already refuses child processes, workers, addons,
 * WASI, the inspector, file writes and reads outside those two paths. This file adds what it
 * does not cover, before any user code runs: no network (Node 24 does not gate it), no
 * signals to other processes, no `node:sqlite` (which opens files without asking the
 * permission model), a cap on Python's heap, and each cell's time limit as a KeyboardInterrupt.
 *
 * Self-contained on purpose (only `node:` imports, types erased): it runs as compiled `.mjs`,
 * or as this `.mts` through Node's type stripping when the package runs from source.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import type { PyodideAPI } from 'pyodide';
import type { CellOutcome, OutputStream, ParentMessage, WorkerMessage, WorkerSettings } from './worker-protocol.js';

const WASM_PAGE_BYTES = 65_536;
const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const residentBytes = process.memoryUsage.rss;
const pauseCell = new Int32Array(new SharedArrayBuffer(4));
process.noDeprecation = true; // the lock-down reads a deprecated `_handle`; stderr stays quiet
// A JavaScript promise the code left to fail (an un-awaited `js.fetch`, say) must not end the
// container: Node's default for an unhandled rejection is to exit.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection in user code:', reason));

// Stdout carries the protocol only: anything Pyodide or Node would log goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

function send(message: WorkerMessage): void {
  let pending = Buffer.from(`${JSON.stringify(message)}\n`);
  while (pending.length > 0) {
    try {
      pending = pending.subarray(fs.writeSync(1, pending));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0); // the parent is gone
      if (code !== 'EAGAIN') throw error;
      // Written synchronously on purpose: output must reach the parent while Python still runs,
      // since a cell that ignores its time limit is killed with whatever it wrote unsent.
      Atomics.wait(pauseCell, 0, 0, 1);
    }
  }
}

function lockProperty(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: false, configurable: false, enumerable: false });
}

// Emscripten asks `process.binding('constants')`, which the permission model refuses; every
// other binding stays refused.
const nodeProcess = process as unknown as { binding(name: string): unknown };
const refusedBinding = nodeProcess.binding.bind(process);
const bindingConstants = { fs: fs.constants, os: os.constants };
lockProperty(process, 'binding', (name: string) => (name === 'constants' ? bindingConstants : refusedBinding(name)));

// Python's heap is the WebAssembly memory: refusing to grow it makes Python raise MemoryError
// (its state intact) before the parent's RSS watchdog has to kill the process.
const heapLimitBytes = settings.memoryBytes - settings.heapHeadroomBytes;
interface WasmMemory {
  grow(delta: number): number;
}
const wasmMemoryPrototype = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly.Memory.prototype;
const growMemory = wasmMemoryPrototype.grow;
lockProperty(wasmMemoryPrototype, 'grow', function grow(this: WasmMemory, delta: number): number {
  if (residentBytes() + delta * WASM_PAGE_BYTES > heapLimitBytes) {
    throw new RangeError('the code interpreter memory limit is reached');
  }
  return growMemory.call(this, delta);
});

const PYTHON_RUNNER = String.raw`
import json, linecache, random, sys, traceback
from pyodide.code import eval_code_async

# A snapshot holds the random generator's state: without a new seed every worker would draw the same numbers.
random.seed()

def _no_system(command):
    raise OSError(38, 'os.system is not available in the code interpreter sandbox')

# Emscripten's system() tries a child process, which the permission model refuses by ending the
# runtime: refused here instead, so the container keeps its state.
import os, posix
os.system = posix.system = _no_system

_namespace = sys.modules['__main__'].__dict__

def _user_frames_only(summary):
    frames = list(summary.stack)
    start = next((i for i, frame in enumerate(frames) if frame.filename.startswith('<cell-')), len(frames))
    summary.stack = traceback.StackSummary.from_list(frames[start:])
    for nested in (summary.__cause__, summary.__context__):
        if nested is not None:
            _user_frames_only(nested)
    for member in getattr(summary, 'exceptions', None) or ():
        _user_frames_only(member)
    return summary

def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass

async def run_cell(code, name, limit):
    # Registered so that tracebacks show the lines of earlier cells too.
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    try:
        value = await eval_code_async(code, _namespace, filename=name)
    except BaseException as error:
        _flush()
        summary = _user_frames_only(traceback.TracebackException.from_exception(error))
        # The end of a traceback is the error itself: that is what is kept.
        return json.dumps({'kind': 'exception', 'traceback': ''.join(summary.format())[-limit:]})
    _flush()
    if value is None:
        return json.dumps({'kind': 'value', 'value': None})
    try:
        text = repr(value)
    except BaseException as error:
        text = f'<repr() failed: {error!r}>'
    return json.dumps({'kind': 'value', 'value': text[:limit]})
`;

type RunCell = (code: string, name: string, limit: number) => Promise<string>;

/**
 * The cell's time limit, inside the process. Python's eval loop reads element 0 of its
 * "signal buffer" every few dozen checks: past the deadline it reads SIGINT (2), so the code
 * gets KeyboardInterrupt and its state stays intact. The parent still kills the process if
 * the cell does not end soon after. The same reads notice a parent that died mid-cell.
 */
class CellDeadline {
  private at = Number.POSITIVE_INFINITY;
  private reads = 0;
  private nextParentCheck = 0;
  private readonly parentPid = process.ppid;
  private readonly currentParentPid = Object.getOwnPropertyDescriptor(process, 'ppid')?.get?.bind(process) ?? (() => this.parentPid);
  fired = false;

  readonly signalBuffer = Object.freeze(Object.defineProperty({}, 0, {
    get: () => this.read(),
    set: () => undefined, // Python clears the signal after reading it; the deadline stays
  }));

  arm(timeoutMs: number): void {
    this.at = performance.now() + timeoutMs;
    this.fired = false;
  }

  disarm(): void {
    this.at = Number.POSITIVE_INFINITY;
  }

  private read(): number {
    this.reads += 1;
    if ((this.reads & 31) !== 0) return 0; // the clock is read every 32nd check only
    const now = performance.now();
    if (now >= this.nextParentCheck) {
      this.nextParentCheck = now + 1_000;
      if (this.currentParentPid() !== this.parentPid) process.exit(0); // orphaned: nobody waits for this cell
    }
    if (now < this.at) return 0;
    // Once per cell: code that catches it is left to the parent's kill, and the runner's own
    // code after the cell is never interrupted.
    this.at = Number.POSITIVE_INFINITY;
    this.fired = true;
    return 2;
  }
}

/** Where Python's output goes during a cell: forwarded live, up to the cell's cap. */
class CellOutput {
  private cell: { id: number; remaining: number; dropped: number } | undefined;
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  begin(id: number, maxChars: number): void {
    this.cell = { id, remaining: maxChars, dropped: 0 };
  }

  /** Ends the cell; returns how many characters were not forwarded. */
  end(): number {
    for (const stream of ['stdout', 'stderr'] as const) this.write(stream, this.decoders[stream].decode());
    const dropped = this.cell?.dropped ?? 0;
    this.cell = undefined;
    return dropped;
  }

  writer(stream: OutputStream): { write: (bytes: Uint8Array) => number } {
    return {
      write: (bytes) => {
        this.write(stream, this.decoders[stream].decode(bytes, { stream: true }));
        return bytes.length;
      },
    };
  }

  private write(stream: OutputStream, text: string): void {
    // Output of background tasks between cells belongs to no call: dropped.
    if (!this.cell || text.length === 0) return;
    const kept = text.slice(0, this.cell.remaining);
    this.cell.remaining -= kept.length;
    this.cell.dropped += text.length - kept.length;
    if (kept.length > 0) send({ type: 'output', id: this.cell.id, stream, text: kept });
  }
}

function refuse(what: string): () => never {
  return function refused(): never {
    throw new Error(`${what} is not available in the code interpreter sandbox`);
  };
}

/** Replaces each named function of a module (or prototype) with one that throws, for good. */
function refuseAll(target: object | undefined, keys: readonly string[], what: string): void {
  if (!target) return;
  for (const key of keys) {
    if (key in target) lockProperty(target, key, refuse(`${what}.${key}`));
  }
}

function functionKeys(target: object): string[] {
  return Object.keys(target).filter((key) => typeof (target as Record<string, unknown>)[key] === 'function');
}

/** The prototype of a libuv handle class (TCP, Pipe, UDP): every socket of that kind goes through it. */
function handlePrototypeOf(owner: object, what: string): object {
  const handle = (owner as { _handle?: unknown })._handle;
  if (typeof handle !== 'object' || handle === null) throw new Error(`cannot reach the ${what} handle class to lock it`);
  return Object.getPrototypeOf(handle) as object;
}

/**
 * What the permission model of Node 24 leaves open. Network first, at the bottom: the
 * methods of the TCP, Pipe and UDP handle classes that connect, bind or listen, so no
 * JavaScript API, old or new (`fetch`, `http`, `net.BoundSocket`, …), can open a socket. Then
 * the public entry points, for a readable error, and the network globals.
 */
function lockDown(): void {
  const net = process.getBuiltinModule('node:net');
  const dgram = process.getBuiltinModule('node:dgram');
  // A socket whose lookup never answers: its handle exists, nothing is ever sent.
  const tcpProbe = new net.Socket();
  tcpProbe.connect({ host: 'sandbox.invalid', port: 9, lookup: () => undefined });
  const tcp = handlePrototypeOf(tcpProbe, 'TCP');
  tcpProbe.destroy();
  const udpProbe = dgram.createSocket('udp4');
  const udp = handlePrototypeOf(udpProbe, 'UDP');
  udpProbe.close();
  const pipe = handlePrototypeOf(process.stdin, 'Pipe'); // stdin is the protocol pipe
  refuseAll(tcp, ['connect', 'connect6', 'bind', 'bind6', 'listen', 'open'], 'TCP');
  refuseAll(pipe, ['connect', 'bind', 'listen'], 'Pipe'); // Unix sockets (a Docker socket, …)
  refuseAll(udp, ['bind', 'bind6', 'connect', 'connect6', 'send', 'send6', 'open'], 'UDP');

  refuseAll(net, ['connect', 'createConnection', 'createServer'], 'net');
  refuseAll(net.Socket.prototype, ['connect'], 'net.Socket');
  refuseAll(net.Server.prototype, ['listen'], 'net.Server');
  refuseAll(dgram, ['createSocket'], 'dgram');
  refuseAll(process.getBuiltinModule('node:tls'), ['connect', 'createServer'], 'tls');
  for (const name of ['node:http', 'node:https'] as const) {
    refuseAll(process.getBuiltinModule(name), ['request', 'get', 'createServer'], name.slice(5));
  }
  refuseAll(process.getBuiltinModule('node:http2'), ['connect', 'createServer', 'createSecureServer'], 'http2');
  // DNS queries leave the machine too.
  const dns = process.getBuiltinModule('node:dns');
  refuseAll(dns, functionKeys(dns), 'dns');
  refuseAll(dns.promises, functionKeys(dns.promises), 'dns.promises');
  // `require` is Pyodide's own shim (fs, crypto, ws, child_process).
  for (const name of ['fetch', 'WebSocket', 'EventSource', 'require'] as const) {
    if (name in globalThis) lockProperty(globalThis, name, undefined);
  }
  // Not gated by the permission model: signals to other processes (the gateway included) …
  refuseAll(process, ['kill', '_kill', '_debugProcess', '_debugEnd'], 'process');
  refuseAll(process.getBuiltinModule('node:os'), ['setPriority'], 'os');
  // … SQLite, which opens and creates files on its own …
  const sqlite = process.getBuiltinModule('node:sqlite') as object;
  refuseAll(sqlite, functionKeys(sqlite), 'sqlite');
  // … and V8 flags, which could undo --disallow-code-generation-from-strings in new contexts.
  refuseAll(process.getBuiltinModule('node:v8'), ['setFlagsFromString'], 'v8');
  syncBuiltinESMExports();
}

/**
 * Held in the startup snapshot: what every cell needs, and modules code often imports, whose
 * first import would otherwise take a second or more inside a call. Costs no memory to speak of.
 */
const PRELOADED_MODULES = [
  'def _preload():',
  '    import asyncio, json, linecache, random, sys, traceback',
  '    from pyodide.code import eval_code_async',
  '    import base64, bisect, collections, copy, csv, dataclasses, datetime, decimal, fractions, functools, hashlib',
  '    import heapq, io, itertools, math, operator, pathlib, pprint, re, statistics, string, textwrap, typing',
  '    import urllib.parse, urllib.request',
  '_preload()',
  'del _preload',
].join('\n');

type LoadPyodide = (options?: { _makeSnapshot?: boolean; _loadSnapshot?: Uint8Array }) => Promise<PyodideAPI>;

async function start(): Promise<{ runCell: RunCell; output: CellOutput; deadline: CellDeadline; python: string }> {
  const { loadPyodide } = (await import(settings.pyodideUrl)) as { loadPyodide: LoadPyodide };
  const { snapshot } = settings;
  if (snapshot.kind === 'make') {
    const maker = await loadPyodide({ _makeSnapshot: true });
    maker.runPython(PRELOADED_MODULES);
    fs.writeFileSync(snapshot.path, maker.makeMemorySnapshot());
    process.exit(0);
  }
  const snapshotBytes = snapshot.kind === 'load' ? fs.readFileSync(snapshot.path) : undefined;
  const pyodide = await loadPyodide(snapshotBytes ? { _loadSnapshot: snapshotBytes } : {});
  // Pyodide keeps its options: detaching the snapshot's buffer hands its 30 MB back now.
  try {
    if (snapshotBytes) structuredClone(snapshotBytes.buffer, { transfer: [snapshotBytes.buffer] });
  } catch {
    // A buffer Node will not detach is kept: it costs memory, nothing else.
  }
  const output = new CellOutput();
  pyodide.setStdin({ stdin: () => null }); // input() sees end of file; stdin is the protocol
  const deadline = new CellDeadline();
  pyodide.setInterruptBuffer(deadline.signalBuffer as unknown as Int32Array);
  pyodide.setStdout(output.writer('stdout'));
  pyodide.setStderr(output.writer('stderr'));
  const runner = pyodide.globals.get('dict')();
  pyodide.runPython(PYTHON_RUNNER, { globals: runner });
  const runCell = runner.get('run_cell') as RunCell;
  const python = String(pyodide.runPython('import sys; sys.version.split()[0]'));
  void process.stderr; // made before the lock-down, so that a later console.error finds it
  lockDown();
  await runCell('None', '<cell-0>', 1); // the first cell pays for imports and compilation
  return { runCell, output, deadline, python };
}

async function serve(): Promise<void> {
  const { runCell, output, deadline, python } = await start();
  let cells = 0;
  const queue: ParentMessage[] = [];
  let running = false;

  const runNext = async (): Promise<void> => {
    if (running) return;
    running = true;
    for (let message = queue.shift(); message; message = queue.shift()) {
      cells += 1;
      output.begin(message.id, message.maxOutputChars);
      deadline.arm(message.timeoutMs);
      let outcome: CellOutcome;
      try {
        outcome = JSON.parse(await runCell(message.code, `<cell-${cells}>`, message.maxOutputChars)) as CellOutcome;
        deadline.disarm();
      } catch (error) {
        // Not a Python exception (those come back as outcomes): the runtime itself broke.
        send({ type: 'crash', message: error instanceof Error ? error.message : String(error) });
        process.exit(70);
      }
      send({ type: 'result', id: message.id, outcome, droppedChars: output.end(), timedOut: deadline.fired });
    }
    running = false;
  };

  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.length > 0) queue.push(JSON.parse(line) as ParentMessage);
    }
    void runNext();
  });
  process.stdin.on('end', () => process.exit(0)); // the parent closed the pipe or died
  send({ type: 'ready', python, rssBytes: residentBytes() });
}

serve().catch((error: unknown) => {
  send({ type: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(70);
});
