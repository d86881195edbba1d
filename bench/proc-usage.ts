/**
 * What a process of this machine uses, read from outside in /proc (docs/api.md §Measured,
 * docs/demo-county.md §Measured): its CPU time from /proc/PID/stat and its memory from
 * /proc/PID/status, so the benchmarks measure the node's process and not their own, and ask it
 * nothing (a node busy in one turn of its event loop would answer late, and asking costs it CPU).
 */
import { readFile } from 'node:fs/promises';

/**
 * USER_HZ, the unit of the times in /proc/PID/stat: sysconf(_SC_CLK_TCK), which the kernel fixes at
 * 100 for user space on every Linux architecture (`getconf CLK_TCK`), whatever its own HZ.
 */
const TICKS_PER_SECOND = 100;

/** utime + stime of process `pid`, all its threads, ms (NaN where there is no /proc). */
export async function cpuMsOf(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from the state, field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** A process's resident memory, MiB: now (VmRSS) and its peak so far (VmHWM). */
export interface ResidentMemory {
  rssMiB: number;
  peakMiB: number;
}

/** VmRSS and VmHWM of process `pid` (NaN where there is no /proc). */
export async function residentMemoryOf(pid: number | undefined): Promise<ResidentMemory> {
  let status = '';
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    // No /proc, or the process is gone: NaN below.
  }
  // Lines such as "VmRSS:	  61234 kB".
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+) kB$`, 'm').exec(status)?.[1]);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
