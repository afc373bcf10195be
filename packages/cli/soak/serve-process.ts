/**
 * `agentport serve` as a child process of the soak, as an operator runs it: its URL from its
 * banner, its memory and open descriptors from /proc, SIGKILL and a restart on the same database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServeProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident memory in bytes and open file descriptors, now. */
  usage(): ProcessUsage;
  /** SIGKILL: the process gets no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM, and the wait for its exit. */
  stop(): Promise<void>;
}

export interface ServeSettings {
  repoRoot: string;
  upstreamUrl: string;
  db: string;
  apiKey: string;
  /** `AGENTPORT_*` settings on top of the shipped defaults. */
  env: Record<string, string>;
}

export async function startServe(settings: ServeSettings): Promise<ServeProcess> {
  const main = join(settings.repoRoot, 'packages', 'cli', 'dist', 'main.js');
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--upstream', settings.upstreamUrl, '--db', settings.db, '--api-key', settings.apiKey], {
    env: { PATH: process.env.PATH, ...settings.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /API at (http:\/\/[^\s"]+)\/v1/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`agentport serve exited with ${code} before it served:\n${output.slice(-2_000)}`)));
  });
  // Keep reading, so a chatty process never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  const pid = child.pid!;
  return {
    url,
    pid,
    usage: () => processUsage(pid),
    kill: () => signalAndWait(child, 'SIGKILL'),
    stop: () => signalAndWait(child, 'SIGTERM'),
  };
}

/** A process's resident memory from /proc, split into anonymous (heaps, allocator) and file-backed (code, mapped files), and its open descriptors. */
export interface ProcessUsage {
  rssBytes: number;
  rssAnonBytes: number;
  /** The part of the anonymous memory in glibc's malloc heaps (see `mallocHeapBytes`); the rest is V8's pages, stacks and other mappings. */
  rssMallocBytes: number;
  rssFileBytes: number;
  fds: number;
}

function processUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) * 1024;
  return {
    rssBytes: kb('VmRSS'), rssAnonBytes: kb('RssAnon'), rssMallocBytes: mallocHeapBytes(readFileSync(`/proc/${pid}/smaps`, 'utf8')),
    rssFileBytes: kb('RssFile') + kb('RssShmem'), fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

const MALLOC_HEAP_BYTES = 64 * 1024 * 1024;

/**
 * Anonymous resident bytes in glibc's malloc heaps, from smaps: the main arena (`[heap]`) and the
 * threads' arenas, which glibc maps as 64 MiB-aligned regions of at most 64 MiB (the used part
 * read-write at the aligned start). V8 maps its heap in pages of its own, never so aligned.
 */
export function mallocHeapBytes(smaps: string): number {
  let total = 0;
  let inHeap = false;
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (mapping) {
      const start = BigInt(`0x${mapping[1]}`);
      const size = BigInt(`0x${mapping[2]}`) - start;
      const anonymous = mapping[4] === '0' && mapping[5] === '';
      inHeap = mapping[5] === '[heap]'
        || (anonymous && mapping[3]!.startsWith('rw') && start % BigInt(MALLOC_HEAP_BYTES) === 0n && size <= BigInt(MALLOC_HEAP_BYTES));
      continue;
    }
    if (inHeap && line.startsWith('Anonymous:')) total += Number(/(\d+)/.exec(line)?.[1] ?? 0) * 1024;
  }
  return total;
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
