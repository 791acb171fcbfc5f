import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';

// Who holds an image open, for the "image locked" error: a lock only says that *someone*
// has it; a scan of /proc/*/fd (like fuser) names the processes we can see.

export interface Holder {
  pid: number;
  program: string;
}

export async function findHolders(path: string): Promise<Holder[]> {
  const target = await fsp.stat(path);
  const holders: Holder[] = [];
  for (const entry of await fsp.readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const fds = await readdirOfProcess(`/proc/${pid}/fd`);
    for (const fd of fds) {
      const st = await statOfProcessFile(`/proc/${pid}/fd/${fd}`);
      if (st && st.dev === target.dev && st.ino === target.ino) {
        holders.push({ pid, program: await programOf(pid) });
        break;
      }
    }
  }
  return holders;
}

/** One sentence for a lock error: name the holder when it can be seen, claim QEMU only when it is QEMU. */
export async function describeLockHolder(path: string): Promise<string> {
  let holders: Holder[];
  try {
    holders = await findHolders(path);
  } catch (err) {
    return `${path} is locked by another process (could not look for it: ${(err as Error).message}): open it read-only with --ro`;
  }
  if (holders.length === 0)
    return `${path} is locked by another process (not visible here: another PID namespace or machine): open it read-only with --ro`;
  const names = holders.map((h) => `${h.program} pid ${h.pid}`).join(', ');
  if (holders.some((h) => h.program.startsWith('qemu')))
    return `${path} is in use by ${names} (image locked): open it read-only with --ro, or open the running VM with --domain NAME`;
  return `${path} is locked by another process (${names}): open it read-only with --ro, or stop that process`;
}

// A process may exit or deny access (another user's, as non-root) while we look: that
// process is simply not a holder we can name; any other error is real.
const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

async function readdirOfProcess(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return [];
    throw err;
  }
}

async function statOfProcessFile(path: string): Promise<{ dev: number; ino: number } | null> {
  try {
    return await fsp.stat(path);
  } catch (err) {
    // Sockets, pipes and anon inodes stat fine; a deleted or vanished target does not.
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
}

async function programOf(pid: number): Promise<string> {
  try {
    const argv0 = (await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0] ?? '';
    if (argv0) return basename(argv0);
    return (await fsp.readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch (err) {
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return 'a process that just exited';
    throw err;
  }
}
