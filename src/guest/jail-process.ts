import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseJailStatus } from './jail-args.js';

// The processes of a jail (sandbox.ts): bwrap, and the jail's pid 1 it reports on its status
// descriptor; how to learn that pid, kill the jail, and wait until it is really gone.

/** Wait for bwrap's first status line (the jail's pid 1), or for bwrap to exit first. */
export function childPidOf(stream: Readable, text: () => string, child: Promise<unknown>): Promise<number | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const pid = parseJailStatus(text()).childPid;
      if (pid !== undefined) {
        stream.off('data', check);
        resolve(pid);
      }
    };
    stream.on('data', check);
    void child.then(() => resolve(parseJailStatus(text()).childPid));
    check();
  });
}

/**
 * Kill the jail: SIGKILL to bwrap (and its process group when it has its own); its
 * --die-with-parent then takes the jail's pid 1, and the kernel every process of the jail.
 */
export function killJail(pid: number, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * The jail's pid 1 can outlive bwrap: killed before bwrap's --die-with-parent took hold, or
 * (normally) as a zombie left for the host's init to reap. Kill it if it still runs, and wait
 * until it is dead, so the guest's mounts are no longer busy when the call returns.
 */
export async function endJail(pid: number): Promise<void> {
  for (let i = 0; i < 500 && running(pid); i++) {
    if (i === 0 || i % 50 === 0) killJail(pid, false);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Alive and not a zombie (a pid is checked right after bwrap exits, so it cannot be reused yet). */
function running(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
