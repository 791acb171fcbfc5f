import { promises as fsp, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { runTool } from '../util/run-tool.js';
import { stateDir } from './state-dir.js';

// Opening an image is a stack of resources (storage daemon, loop devices, mounts, temp dirs).
// Each is pushed as it is acquired and recorded in a state file, so that a normal exit
// unwinds it and `guestctl cleanup` can unwind what a killed session left behind.

export type Resource =
  | { kind: 'mount'; path: string }
  | { kind: 'loop'; device: string; backing: string; offset: number }
  | { kind: 'daemon'; pid: number; program: string }
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string }
  /** A file guestctl created inside the guest for a while (the jail's policy-rc.d): removed only
   *  while the path still leads, through real directories, to that very inode. */
  | { kind: 'guest-file'; path: string; dev: number; ino: number };

export interface SessionState {
  pid: number;
  target: string;
  started: string;
  resources: Resource[];
}

export class ResourceStack {
  private readonly resources: Resource[] = [];
  readonly statePath: string;
  private unwound = false;

  constructor(readonly target: string) {
    this.statePath = `${stateDir()}/session-${process.pid}-${randomBytes(4).toString('hex')}.json`;
  }

  get size(): number {
    return this.resources.length;
  }

  async push(resource: Resource): Promise<void> {
    this.resources.push(resource);
    await this.save();
  }

  /** Forget a resource released by other means (e.g. an explicit umount). */
  async forget(match: (r: Resource) => boolean): Promise<void> {
    const i = this.resources.findLastIndex(match);
    if (i >= 0) this.resources.splice(i, 1);
    await this.save();
  }

  /** Release one resource now (e.g. a loop device whose mount failed, or an explicit umount). */
  async release(match: (r: Resource) => boolean): Promise<void> {
    const i = this.resources.findLastIndex(match);
    if (i < 0) return;
    const [r] = this.resources.splice(i, 1);
    await this.save();
    const problems = await releaseAll([r!]);
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  /** Release everything in reverse order; every step is attempted, failures are reported together. */
  async unwind(): Promise<string[]> {
    if (this.unwound) return [];
    this.unwound = true;
    const problems = await releaseAll(this.resources.splice(0));
    await fsp.rm(this.statePath, { force: true });
    return problems;
  }

  private async save(): Promise<void> {
    if (this.unwound) return;
    const state: SessionState = { pid: process.pid, target: this.target, started: new Date().toISOString(), resources: this.resources };
    await fsp.mkdir(stateDir(), { recursive: true, mode: 0o700 });
    const tmp = `${this.statePath}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
    await fsp.rename(tmp, this.statePath);
  }
}

export async function releaseAll(resources: Resource[]): Promise<string[]> {
  const problems: string[] = [];
  if (resources.some((r) => r.kind === 'mount')) await runTool('sync', []);
  for (const r of [...resources].reverse()) {
    try {
      await release(r);
    } catch (err) {
      problems.push(`${describeResource(r)}: ${(err as Error).message}`);
    }
  }
  return problems;
}

export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'mount':
      return `mount ${r.path}`;
    case 'loop':
      return `loop device ${r.device}`;
    case 'daemon':
      return `${r.program} (pid ${r.pid})`;
    case 'dir':
    case 'file':
      return r.path;
    case 'guest-file':
      return `created file ${r.path}`;
  }
}

async function release(r: Resource): Promise<void> {
  switch (r.kind) {
    case 'mount':
      return unmount(r.path);
    case 'loop':
      return detachLoop(r);
    case 'daemon':
      return stopDaemon(r.pid, r.program);
    case 'dir':
      await fsp.rmdir(r.path).catch(ignoreMissing);
      return;
    case 'file':
      await fsp.rm(r.path, { force: true });
      return;
    case 'guest-file':
      return removeCreatedFile(r);
  }
}

async function removeCreatedFile(r: { path: string; dev: number; ino: number }): Promise<void> {
  // A guest program may have replaced a directory on the way with a symlink: every parent must
  // still be a real directory, and the file must be the inode we created.
  const parts = r.path.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const st = await fsp.lstat(dir).catch(ignoreMissingStat);
    if (!st) return; // the guest root is gone: nothing of ours can be there
    if (!st.isDirectory()) throw new Error(`${dir} is no longer a directory: not removing ${r.path}`);
  }
  const st = await fsp.lstat(r.path).catch(ignoreMissingStat);
  if (!st || st.dev !== r.dev || st.ino !== r.ino) return; // gone, or replaced by the guest's own
  await fsp.unlink(r.path);
}

function ignoreMissingStat(err: NodeJS.ErrnoException): null {
  if (err.code === 'ENOENT') return null;
  throw err;
}

async function isMountpoint(path: string): Promise<boolean> {
  const r = await runTool('findmnt', ['-n', '-o', 'TARGET', '--mountpoint', path]);
  return r.code === 0 && r.stdout.trim().length > 0;
}

export async function unmount(path: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await isMountpoint(path))) return;
    const r = await runTool('umount', [path]);
    if (r.code === 0) continue;
    if (!/busy/i.test(r.stderr)) throw new Error(r.stderr.trim() || `umount exited ${r.code}`);
    await sleep(100);
  }
  const lazy = await runTool('umount', ['-l', path]);
  if (lazy.code !== 0) throw new Error(lazy.stderr.trim());
  throw new Error('was busy: detached lazily, it goes away when its last user closes it');
}

async function detachLoop(r: { device: string; backing: string; offset: number }): Promise<void> {
  const info = await runTool('losetup', ['--json', '--list', '-O', 'NAME,BACK-FILE,OFFSET', r.device]);
  if (info.code !== 0) return; // already gone
  const dev = (JSON.parse(info.stdout || '{"loopdevices":[]}').loopdevices ?? [])[0] as { 'back-file'?: string; offset?: number | string } | undefined;
  if (!dev) return;
  const backing = String(dev['back-file'] ?? '').replace(/ \(deleted\)$/, '');
  if (backing !== r.backing || Number(dev.offset ?? 0) !== r.offset) return; // reused by someone else since
  for (let attempt = 0; attempt < 20; attempt++) {
    const d = await runTool('losetup', ['-d', r.device]);
    if (d.code === 0) return;
    if (!/busy/i.test(d.stderr)) throw new Error(d.stderr.trim());
    await sleep(100);
  }
  throw new Error('still busy');
}

async function stopDaemon(pid: number, program: string): Promise<void> {
  if (!processIs(pid, program)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    if (!processIs(pid, program)) return;
    await sleep(50);
  }
  process.kill(pid, 'SIGKILL');
}

/** True when pid is alive and runs `program` (guards against pid reuse). */
export function processIs(pid: number, program: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv0 = cmdline.split('\0')[0] ?? '';
    return argv0 === program || argv0.endsWith(`/${program}`);
  } catch {
    return false;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
