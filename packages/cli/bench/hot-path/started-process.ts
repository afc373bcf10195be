import type { ChildProcess } from 'node:child_process';

/** One of the benchmark's processes, serving at `url`. */
export interface Started {
  child: ChildProcess;
  url: string;
  /** Where its probes are answered, when not on `url` (agentport's probe thread). */
  probeUrl?: string;
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
