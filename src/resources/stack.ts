import { promises as fsp, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { runTool } from '../util/run-tool.js';
import { mountSourceAt } from '../parsers/mountinfo.js';
import { trustedStateDir } from './state-dir.js';
import { describeResource, type Resource } from './resource.js';
import { writeStateFile } from './state-file.js';

// Opening an image is a stack of resources (storage daemon, loop devices, mounts, temp dirs).
// Each is pushed as it is acquired and recorded in a state file, so that a normal exit
// unwinds it and `guestctl cleanup` can unwind what a killed session left behind.
// A resource leaves the stack (and the file) only once it is really gone: a failed umount
// stays recorded for `guestctl cleanup` to retry.

export class ResourceStack {
  private readonly resources: Resource[] = [];
  private statePath: string | null = null;
  private readonly started = new Date().toISOString();
  private unwound = false;
  /** Set once unwinding starts: a resource acquired after that (a command still running when the session ends) is released at once. */
  private closing = false;

  constructor(readonly target: string) {}

  get size(): number {
    return this.resources.length;
  }

  async push(resource: Resource): Promise<void> {
    if (this.closing) {
      const problems = await releaseAll([resource], async () => {});
      throw new CliError('failed', `the session is closing: ${describeResource(resource)} was acquired too late${problems.length > 0 ? ` and could not be released: ${problems.join('; ')}` : ' and is released again'}`);
    }
    this.resources.push(resource);
    await this.save();
  }

  /** Release one resource now (e.g. a loop device whose mount failed, or an explicit umount). */
  async release(match: (r: Resource) => boolean): Promise<void> {
    const r = this.resources.findLast(match);
    if (!r) return;
    const problems = await releaseAll([r], (x) => this.drop(x));
    problems.push(...this.takeSaveErrors());
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  /** Release everything in reverse order; what fails stays recorded, the problems are returned. */
  async unwind(): Promise<string[]> {
    if (this.unwound) return [];
    this.closing = true;
    const problems = await releaseAll([...this.resources], (r) => this.drop(r));
    problems.push(...this.takeSaveErrors());
    if (problems.length > 0) return problems;
    this.unwound = true;
    if (this.statePath) await fsp.rm(this.statePath, { force: true });
    return problems;
  }

  /** A released resource leaves the record; if the record cannot be rewritten, say so but go on releasing. */
  private async drop(r: Resource): Promise<void> {
    const i = this.resources.lastIndexOf(r);
    if (i >= 0) this.resources.splice(i, 1);
    try {
      await this.save();
    } catch (err) {
      this.saveErrors.push((err as Error).message);
    }
  }

  private saveErrors: string[] = [];
  private takeSaveErrors(): string[] {
    return this.saveErrors.splice(0);
  }

  private async save(): Promise<void> {
    if (this.unwound) return;
    if (!this.statePath) {
      const dir = await trustedStateDir(true);
      this.statePath = `${dir}/session-${process.pid}-${randomBytes(4).toString('hex')}.json`;
    }
    try {
      await writeStateFile(this.statePath, { pid: process.pid, target: this.target, started: this.started, resources: this.resources });
    } catch (err) {
      throw new CliError('failed', `cannot record the session in ${this.statePath}: ${(err as Error).message}`);
    }
  }
}

/**
 * A teardown step runs in its own session, so a Ctrl-C typed at the terminal (SIGINT to the
 * terminal's foreground group) does not reach it. One typed while the step is being started
 * still can (the child is in guestctl's group from fork until its setsid, and the signal stays
 * pending): a step killed by SIGINT is run once more.
 */
async function teardownTool(tool: string, args: string[]): ReturnType<typeof runTool> {
  const r = await runTool(tool, args, { detached: true });
  return r.signal === 'SIGINT' ? runTool(tool, args, { detached: true }) : r;
}

/**
 * Release resources in reverse order. `released` is called for each one that is really gone
 * (so its record can be dropped). The first failure stops the unwinding: what lies below a
 * busy mount (its loop device, the storage daemon serving it) is still in use and must stay.
 */
export async function releaseAll(resources: Resource[], released: (r: Resource) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  if (resources.some((r) => r.kind === 'mount')) {
    const s = await teardownTool('sync', []);
    if (s.code !== 0) problems.push(`sync before unmounting: ${s.stderr.trim() || `exit ${s.code}`}`);
  }
  const order = [...resources].reverse();
  for (const [i, r] of order.entries()) {
    try {
      await release(r);
    } catch (err) {
      const left = order.length - i - 1;
      problems.push(`${describeResource(r)}: ${(err as Error).message}${left > 0 ? ` (${left} more resources left in place)` : ''}`);
      break;
    }
    await released(r);
  }
  return problems;
}

async function release(r: Resource): Promise<void> {
  switch (r.kind) {
    case 'mount':
      return unmount(r.path, r.source);
    case 'loop':
      return detachLoop(r);
    case 'daemon':
      return stopDaemon(r.pid, r.program);
    case 'dm':
      return removeDm(r.name);
    case 'md':
      return stopArray(r.device);
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

/** The source of what is mounted at path (null: nothing), from this process's mount table; an unreadable table is an error, not "unmounted". */
export async function mountSource(path: string): Promise<string | null> {
  return mountSourceAt(await fsp.readFile('/proc/self/mountinfo', 'utf8'), path);
}

/** Unmount path, but only while what is mounted there is still the recorded source. */
export async function unmount(path: string, source: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const now = await mountSource(path);
    if (now === null || now !== source) return; // gone, or someone else's mount now: not ours to touch
    const r = await teardownTool('umount', [path]);
    if (r.code === 0) continue;
    if (!/busy/i.test(r.stderr)) throw new Error(r.stderr.trim() || `umount exited ${r.code}`);
    await sleep(100);
  }
  throw new Error('target is busy: still mounted (close what uses it, then run guestctl cleanup)');
}

/** Record a mount that just succeeded, with the source the kernel shows for it. */
export async function pushMount(stack: ResourceStack, path: string, expected: string): Promise<void> {
  let source: string | null;
  try {
    source = await mountSource(path);
  } catch (err) {
    await stack.push({ kind: 'mount', path, source: expected });
    throw err;
  }
  await stack.push({ kind: 'mount', path, source: source ?? expected });
}

async function stopArray(device: string): Promise<void> {
  // Only arrays guestctl named: a state file must never stop one of the host's own.
  if (!/^\/dev\/md\/guestctl-[0-9a-f]{8}$/.test(device)) throw new Error(`${device} is not an array guestctl assembled: not stopping it`);
  const r = await teardownTool('mdadm', ['--stop', device]);
  if (r.code !== 0) throw new Error(`mdadm --stop: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** The file a loop device reads and where from, as the kernel says in sysfs; null when it is not attached. */
async function loopBacking(device: string): Promise<{ backing: string; offset: number } | null> {
  const name = /^\/dev\/(loop\d+)$/.exec(device)?.[1];
  if (!name) throw new Error(`${device} is not a loop device name`);
  const dir = `/sys/block/${name}/loop`;
  try {
    const backing = (await fsp.readFile(`${dir}/backing_file`, 'utf8')).replace(/\n$/, '').replace(/ \(deleted\)$/, '');
    const offset = Number((await fsp.readFile(`${dir}/offset`, 'utf8')).trim());
    return { backing, offset };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function detachLoop(r: { device: string; backing: string; offset: number }): Promise<void> {
  const attached = await loopBacking(r.device);
  if (!attached) return; // detached already (or the device node is gone)
  if (attached.backing !== r.backing || attached.offset !== r.offset) return; // reused by someone else since
  for (let attempt = 0; attempt < 20; attempt++) {
    const d = await teardownTool('losetup', ['-d', r.device]);
    if (d.code === 0) return;
    if (/No such device or address/i.test(d.stderr)) return; // detached in between
    if (!/busy/i.test(d.stderr)) throw new Error(d.stderr.trim() || `losetup -d exited ${d.code}`);
    await sleep(100);
  }
  throw new Error('still busy');
}

/** Remove a dm device of ours; only guestctl-... names are ever touched. */
async function removeDm(name: string): Promise<void> {
  if (!name.startsWith('guestctl-')) throw new Error(`refusing to remove ${name}: not a name guestctl gives`);
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await teardownTool('dmsetup', ['remove', name]);
    if (r.code === 0) return;
    if (/No such device or address|not found|does not exist/i.test(r.stderr)) return; // gone already
    if (!/busy/i.test(r.stderr)) throw new Error(r.stderr.trim() || `dmsetup remove exited ${r.code}`);
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
  for (let i = 0; i < 40; i++) {
    if (!processIs(pid, program)) return;
    await sleep(50);
  }
  throw new Error('still running after SIGKILL');
}

/** True when pid is alive and runs `program` (guards against pid reuse). */
export function processIs(pid: number, program: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (err) {
    if (['ENOENT', 'ESRCH'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  const argv0 = cmdline.split('\0')[0] ?? '';
  return argv0 === program || argv0.endsWith(`/${program}`);
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
