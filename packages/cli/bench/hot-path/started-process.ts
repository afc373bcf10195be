import { type ChildProcess, spawn } from 'node:child_process';

/** One of the benchmark's processes, serving at `url`. */
export interface Started {
  child: ChildProcess;
  url: string;
  /** Where its probes are answered, when not on `url` (agentport's probe thread). */
  probeUrl?: string;
}

/**
 * Starts one of the benchmark's node scripts (`scriptPath`), which sends `{ url, probeUrl? }`
 * over IPC once it serves; `cpu` pins it with taskset, `execArgv` goes to node (a profiler).
 */
export function startProcess(scriptPath: string, scriptArgs: string[], cpu?: string, execArgv: string[] = []): Promise<Started> {
  const node = [...execArgv, scriptPath, ...scriptArgs];
  const child = cpu === undefined
    ? spawn(process.execPath, node, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn('taskset', ['-c', cpu, process.execPath, ...node], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => {
      const { url, probeUrl } = message as { url: string; probeUrl?: string };
      resolve({ child, url, ...(probeUrl ? { probeUrl } : {}) });
    });
    child.once('exit', (code) => reject(new Error(`${scriptPath} exited with ${code} before it listened`)));
  });
}

/** Asks a process to stop (IPC disconnect for the benchmark's own processes, SIGTERM for the CLI), killing it after 10 s. */
export function stopProcess(started: Started): Promise<void> {
  return new Promise((resolve) => {
    if (started.child.exitCode !== null) return resolve();
    started.child.once('exit', () => resolve());
    if (started.child.connected) started.child.disconnect();
    else started.child.kill('SIGTERM');
    setTimeout(() => started.child.kill('SIGKILL'), 10_000).unref();
  });
}
