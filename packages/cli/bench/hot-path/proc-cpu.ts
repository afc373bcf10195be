import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU time a process has used so far, from /proc: `statMs` (utime + stime, 10 ms steps) and `schedNs` (every thread's run time, ns). */
export interface ProcessCpu {
  statMs: number;
  schedNs: number;
}

export function readProcessCpu(pid: number): ProcessCpu {
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  let schedNs = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      schedNs += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return { statMs: (ticks * 1000) / USER_HZ, schedNs };
}

/** CPU milliseconds between two readings: the ns counter, which resolves short rows, and the stat one beside it. */
export function cpuBetween(before: ProcessCpu, after: ProcessCpu): { ms: number; statMs: number } {
  return { ms: (after.schedNs - before.schedNs) / 1e6, statMs: after.statMs - before.statMs };
}

/** CPU time of a process and every process below it (`agentport serve --workers N`: the primary and its workers). */
export function readProcessTreeCpu(pid: number): ProcessCpu {
  const total = readProcessCpu(pid);
  for (const child of childrenOf(pid)) {
    try {
      const below = readProcessTreeCpu(child);
      total.statMs += below.statMs;
      total.schedNs += below.schedNs;
    } catch {
      // A child that ended between the listing and the read.
    }
  }
  return total;
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return children;
}
