import { posix } from 'node:path';
import type { DirEntry, GuestFs, GuestStat, MkdirOptions, RemoveOptions, WriteOptions } from '../guest/types.js';
import { isAbsent, lstatOrNull } from '../guest/stat-or-null.js';
import { JOURNALED_XATTRS, type BeforeImage, type JournalEntry } from './journal.js';

// A GuestFs that passes every call through and, before the first change to a path within one
// command, keeps that path's before-image. The executor wraps ctx.guest.fs in one for each
// mutating, non-dry-run command and files its entries in the session's Journal afterwards.

export class JournalingFs implements GuestFs {
  private readonly captured = new Map<string, Promise<void>>();
  private readonly images = new Map<string, BeforeImage>();

  readonly setXattr?: GuestFs['setXattr'];
  readonly getXattr?: GuestFs['getXattr'];
  readonly openReader?: GuestFs['openReader'];
  readonly diskUsage?: GuestFs['diskUsage'];
  readonly scanTree?: GuestFs['scanTree'];

  constructor(private readonly inner: GuestFs) {
    const setX = inner.setXattr;
    if (setX) {
      this.setXattr = async (path, name, value) => {
        await this.touch(path, false);
        return setX.call(inner, path, name, value);
      };
    }
    if (inner.getXattr) this.getXattr = inner.getXattr.bind(inner);
    if (inner.openReader) this.openReader = inner.openReader.bind(inner);
    if (inner.diskUsage) this.diskUsage = inner.diskUsage.bind(inner);
    if (inner.scanTree) this.scanTree = inner.scanTree.bind(inner);
  }

  readFile(path: string): Promise<Buffer> {
    return this.inner.readFile(path);
  }
  list(path: string): Promise<DirEntry[]> {
    return this.inner.list(path);
  }
  stat(path: string): Promise<GuestStat> {
    return this.inner.stat(path);
  }
  lstat(path: string): Promise<GuestStat> {
    return this.inner.lstat(path);
  }
  readlink(path: string): Promise<string> {
    return this.inner.readlink(path);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  realpath(path: string): Promise<string> {
    return this.inner.realpath(path);
  }

  async writeFile(path: string, data: Buffer | string, opts?: WriteOptions): Promise<void> {
    await this.touch(path, true);
    if (opts?.backupPath !== undefined) await this.touch(opts.backupPath, true);
    return this.inner.writeFile(path, data, opts);
  }
  async mkdir(path: string, opts?: MkdirOptions): Promise<void> {
    // Every directory that does not exist yet is created by this call (with parents, the ancestors too).
    let p = path;
    for (;;) {
      await this.touch(p, false);
      const parent = posix.dirname(p);
      if (!opts?.parents || parent === p || (await this.inner.exists(parent))) break;
      p = parent;
    }
    return this.inner.mkdir(path, opts);
  }
  async remove(path: string, opts?: RemoveOptions): Promise<void> {
    await this.touchTree(path);
    return this.inner.remove(path, opts);
  }
  async rename(from: string, to: string): Promise<void> {
    await this.touchTree(from);
    await this.touchTree(to);
    return this.inner.rename(from, to);
  }
  async copy(from: string, to: string): Promise<void> {
    await this.touchTree(to);
    return this.inner.copy(from, to);
  }
  async chmod(path: string, mode: number): Promise<void> {
    await this.touch(path, true);
    return this.inner.chmod(path, mode);
  }
  async chown(path: string, uid: number, gid: number): Promise<void> {
    await this.touch(path, true);
    return this.inner.chown(path, uid, gid);
  }
  async symlink(target: string, linkPath: string): Promise<void> {
    await this.touch(linkPath, false);
    return this.inner.symlink(target, linkPath);
  }

  /** The before-images in the order the paths were first touched, with the after-content of regular files. */
  async entries(): Promise<JournalEntry[]> {
    await Promise.allSettled([...this.captured.values()]);
    const out: JournalEntry[] = [];
    for (const [path, before] of this.images) out.push({ path, before, after: await this.afterContent(path) });
    return out;
  }

  private async afterContent(path: string): Promise<Buffer | null> {
    const st = await lstatOrNull(this.inner, path);
    return st?.type === 'file' ? this.inner.readFile(path) : null;
  }

  /** Records `path` (the file a symlink leads to when `follow`) once; later calls wait for the same capture. */
  private async touch(path: string, follow: boolean): Promise<void> {
    const key = await this.canonical(path, follow);
    let pending = this.captured.get(key);
    if (pending === undefined) {
      pending = this.capture(key);
      this.captured.set(key, pending);
    }
    return pending;
  }

  /** A path and, when it is a directory, everything below it (a recursive remove or a replaced tree). */
  private async touchTree(path: string): Promise<void> {
    await this.touch(path, false);
    const key = await this.canonical(path, false);
    if (this.images.get(key)?.state !== 'present' || (await this.inner.lstat(key)).type !== 'directory') return;
    for (const e of await this.inner.list(key)) await this.touchTree(posix.join(key, e.name));
  }

  private async canonical(path: string, follow: boolean): Promise<string> {
    if (follow) {
      const real = await this.inner.realpath(path).catch(absentAs(null));
      if (real !== null) return real;
    }
    const parent = posix.dirname(path);
    if (parent === path) return path;
    const realParent = await this.inner.realpath(parent).catch(absentAs(parent));
    return posix.join(realParent, posix.basename(path));
  }

  private async capture(path: string): Promise<void> {
    this.images.set(path, { state: 'absent' }); // keeps first-touch order; replaced below
    try {
      this.images.set(path, await beforeImage(this.inner, path));
    } catch (err) {
      // Without its before-image the change is not made (the caller's write fails with this error).
      this.images.delete(path);
      throw err;
    }
  }
}

/** `knownXattrs`: the path's xattrs already read for a whole tree (hex values), instead of one getXattr per name. */
export async function beforeImage(fs: GuestFs, path: string, knownXattrs?: Record<string, string>): Promise<BeforeImage> {
  let st: GuestStat;
  try {
    st = await fs.lstat(path);
  } catch (err) {
    if (isAbsent(err)) return { state: 'absent' };
    throw err;
  }
  const image: BeforeImage = { state: 'present', type: st.type, mode: st.mode, uid: st.uid, gid: st.gid };
  if (st.type === 'file') image.content = await fs.readFile(path);
  if (st.type === 'symlink') image.linkTarget = await fs.readlink(path);
  if (knownXattrs) {
    const xattrs: Record<string, Buffer> = {};
    for (const name of JOURNALED_XATTRS) if (knownXattrs[name] !== undefined) xattrs[name] = Buffer.from(knownXattrs[name], 'hex');
    image.xattrs = xattrs;
  } else if (fs.getXattr) {
    const xattrs: Record<string, Buffer> = {};
    for (const name of JOURNALED_XATTRS) {
      const v = await fs.getXattr(path, name);
      if (v !== null) xattrs[name] = v;
    }
    image.xattrs = xattrs;
  }
  return image;
}

/** A catch handler: `value` for a path that does not exist (yet), any other error rethrown. */
function absentAs<T>(value: T): (err: unknown) => T {
  return (err) => {
    if (isAbsent(err)) return value;
    throw err;
  };
}
