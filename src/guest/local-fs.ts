import { constants as C, promises as fsp, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { DirEntry, DiskUsage, GuestFileReader, GuestFs, GuestStat, MkdirOptions, RemoveOptions, TreeScan, WriteOptions } from './types.js';
import { resolveGuestPath, type Resolved } from './resolve.js';
import { readXattr, readXattrs, writeXattrs } from './xattrs.js';
import { hostFileType, toGuestError } from './host-entry.js';
import { hostDiskUsage } from './local-du.js';
import { openHostFileReader } from './local-reader.js';
import { scanHostTree } from './local-scan.js';
import { guestPathError } from '../util/errors.js';

// GuestFs over a guest root that is a host directory (a mounted image or a plain tree).
// Every path is resolved inside the root first; the final open uses O_NOFOLLOW so a
// component swapped for a symlink after resolution is refused, not followed.

const OPEN_NOFOLLOW = C.O_NOFOLLOW | C.O_NONBLOCK;

export class LocalGuestFs implements GuestFs {
  /** Look names up ignoring case when they do not exist as typed (set for Windows guests). */
  ignoreCase = false;

  constructor(
    readonly root: string,
    readonly readOnly: boolean,
    /** Called before every write (an image session remounts read-write on the first one). */
    private readonly beforeWrite?: () => Promise<void>,
  ) {}

  resolve(path: string, followLast = true): Resolved {
    return resolveGuestPath(this.root, path, { followLast, ignoreCase: this.ignoreCase });
  }

  async readFile(path: string): Promise<Buffer> {
    const r = this.existing(path, true);
    return guestErrors(r.guestPath, async () => {
      // Never open a device node: it would open the HOST device with that number.
      const pre = await fsp.lstat(r.hostPath);
      if (!pre.isFile() && !pre.isDirectory() && !pre.isSymbolicLink()) throw errno('EINVAL', r.guestPath, 'not a regular file');
      const fh = await fsp.open(r.hostPath, C.O_RDONLY | OPEN_NOFOLLOW);
      try {
        const st = await fh.stat();
        if (st.isDirectory()) throw errno('EISDIR', r.guestPath);
        if (!st.isFile()) throw errno('EINVAL', r.guestPath, 'not a regular file');
        return await fh.readFile();
      } finally {
        await fh.close();
      }
    });
  }

  async writeFile(path: string, data: Buffer | string, opts: WriteOptions = {}): Promise<void> {
    await this.writable();
    const r = this.resolve(path, true);
    await guestErrors(r.guestPath, async () => {
      let old: Stats | null = null;
      if (r.kind === 'directory') throw errno('EISDIR', r.guestPath);
      if (r.kind !== null) {
        old = await fsp.lstat(r.hostPath);
        if (!old.isFile()) throw errno('EINVAL', r.guestPath, 'not a regular file');
      }
      const dir = posix.dirname(r.hostPath);
      const tmp = `${dir}/.${posix.basename(r.hostPath)}.guestctl-${randomBytes(6).toString('hex')}`;
      const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
      try {
        await fh.writeFile(data);
        await fh.chown(old?.uid ?? opts.uid ?? 0, old?.gid ?? opts.gid ?? 0);
        await fh.chmod(old ? old.mode & 0o7777 : (opts.mode ?? 0o644));
        await fh.sync();
        await fh.close();
        if (old) {
          const xattrs = await readXattrs(r.hostPath, r.guestPath);
          if (xattrs) await writeXattrs(tmp, xattrs);
          if (opts.backupPath) await this.keepBackup(r, opts.backupPath);
        }
        await fsp.rename(tmp, r.hostPath);
        await syncDir(dir);
      } catch (err) {
        await fh.close().catch(() => undefined);
        await fsp.unlink(tmp).catch(() => undefined);
        throw err;
      }
    });
  }

  /** The old inode stays linked under the backup name: the previous version, byte for byte. */
  private async keepBackup(current: Resolved, backupPath: string): Promise<void> {
    const b = this.resolve(backupPath, false);
    if (b.kind === 'directory') throw errno('EISDIR', b.guestPath);
    const tmp = `${posix.dirname(b.hostPath)}/.${posix.basename(b.hostPath)}.guestctl-${randomBytes(6).toString('hex')}`;
    await fsp.link(current.hostPath, tmp);
    await fsp.rename(tmp, b.hostPath);
  }

  async list(path: string): Promise<DirEntry[]> {
    const r = this.existing(path, true);
    return guestErrors(r.guestPath, async () => {
      if (r.kind !== 'directory') throw errno('ENOTDIR', r.guestPath);
      const entries = await fsp.readdir(r.hostPath, { withFileTypes: true });
      return entries
        .map((e) => ({ name: e.name, type: hostFileType(e) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  async stat(path: string): Promise<GuestStat> {
    const r = this.existing(path, true);
    return guestErrors(r.guestPath, async () => toGuestStat(r.guestPath, await fsp.lstat(r.hostPath)));
  }

  async lstat(path: string): Promise<GuestStat> {
    const r = this.existing(path, false);
    return guestErrors(r.guestPath, async () => {
      const st = toGuestStat(r.guestPath, await fsp.lstat(r.hostPath));
      if (st.type === 'symlink') st.symlinkTarget = await fsp.readlink(r.hostPath);
      return st;
    });
  }

  async readlink(path: string): Promise<string> {
    const r = this.existing(path, false);
    if (r.kind !== 'symlink') throw errno('EINVAL', r.guestPath, 'not a symbolic link');
    return guestErrors(r.guestPath, () => fsp.readlink(r.hostPath));
  }

  async exists(path: string): Promise<boolean> {
    try {
      return this.resolve(path, true).kind !== null;
    } catch {
      return false;
    }
  }

  async realpath(path: string): Promise<string> {
    return this.existing(path, true).guestPath;
  }

  async mkdir(path: string, opts: MkdirOptions = {}): Promise<void> {
    await this.writable();
    const mode = opts.mode ?? 0o755;
    if (!opts.parents) {
      const r = this.resolve(path, false);
      if (r.kind !== null) throw errno('EEXIST', r.guestPath);
      await guestErrors(r.guestPath, () => fsp.mkdir(r.hostPath, { mode }));
      return;
    }
    const absolute = path.startsWith('/') ? path : `/${path}`;
    const parts = absolute.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const r = this.resolve('/' + parts.slice(0, i).join('/'), true);
      if (r.kind === 'directory') continue;
      if (r.kind !== null) throw errno('ENOTDIR', r.guestPath);
      await guestErrors(r.guestPath, () => fsp.mkdir(r.hostPath, { mode }));
    }
  }

  async remove(path: string, opts: RemoveOptions = {}): Promise<void> {
    await this.writable();
    const r = this.existing(path, false);
    if (r.guestPath === '/') throw errno('EPERM', '/', 'refusing to remove the guest root');
    await guestErrors(r.guestPath, async () => {
      if (r.kind === 'directory') {
        if (opts.recursive) await fsp.rm(r.hostPath, { recursive: true, force: false });
        else await fsp.rmdir(r.hostPath);
      } else {
        await fsp.unlink(r.hostPath);
      }
      await syncDir(posix.dirname(r.hostPath));
    });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.writable();
    const a = this.existing(from, false);
    const b = this.resolve(to, false);
    if (a.guestPath === '/') throw errno('EPERM', '/', 'refusing to move the guest root');
    await guestErrors(a.guestPath, () => fsp.rename(a.hostPath, b.hostPath));
  }

  async copy(from: string, to: string): Promise<void> {
    const src = await this.stat(from);
    if (src.type !== 'file') throw errno('EINVAL', src.path, 'not a regular file');
    const data = await this.readFile(from);
    const dst = this.resolve(to, true);
    await this.writeFile(dst.guestPath, data, { mode: src.mode, uid: src.uid, gid: src.gid });
  }

  async chmod(path: string, mode: number): Promise<void> {
    await this.writable();
    await this.withHandle(path, (fh) => fh.chmod(mode), (host) => fsp.chmod(host, mode));
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    await this.writable();
    await this.withHandle(path, (fh) => fh.chown(uid, gid), (host) => fsp.lchown(host, uid, gid));
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    await this.writable();
    const r = this.resolve(linkPath, false);
    if (r.kind !== null) throw errno('EEXIST', r.guestPath);
    await guestErrors(r.guestPath, () => fsp.symlink(target, r.hostPath));
  }

  async setXattr(path: string, name: string, value: Buffer | string): Promise<void> {
    await this.writable();
    if (!/^[A-Za-z0-9_.-]+\.[^\s=]+$/.test(name)) throw errno('EINVAL', path, `not an extended attribute name: ${JSON.stringify(name)}`);
    const r = this.existing(path, false);
    const hex = '0x' + Buffer.from(value).toString('hex');
    await guestErrors(r.guestPath, () => writeXattrs(r.hostPath, `${name}=${hex}`));
  }

  async getXattr(path: string, name: string): Promise<Buffer | null> {
    if (!/^[A-Za-z0-9_.-]+\.[^\s=]+$/.test(name)) throw errno('EINVAL', path, `not an extended attribute name: ${JSON.stringify(name)}`);
    const r = this.existing(path, false);
    return guestErrors(r.guestPath, () => readXattr(r.hostPath, name, r.guestPath));
  }

  /** Host path of an existing guest path (for the walks in this folder). */
  hostPathOf(path: string, followLast = true): Resolved {
    return this.existing(path, followLast);
  }

  openReader(path: string): Promise<GuestFileReader> {
    return openHostFileReader(this.existing(path, true));
  }

  diskUsage(path: string, depth: number, signal: AbortSignal): Promise<DiskUsage> {
    return hostDiskUsage(this.existing(path, true), path, depth, signal);
  }

  scanTree(dir: string, scan: TreeScan): Promise<void> {
    return scanHostTree(this.existing(dir, true), scan);
  }

  /**
   * Run fn on an O_NOFOLLOW handle of a file or directory. Device nodes, FIFOs and sockets are
   * never opened (opening a guest's device node would open the HOST device with that number):
   * they get the path operation instead, after checking the last component is not a symlink.
   */
  private async withHandle(path: string, fn: (fh: fsp.FileHandle) => Promise<void>, special: (hostPath: string) => Promise<void>): Promise<void> {
    const r = this.existing(path, true);
    await guestErrors(r.guestPath, async () => {
      const st = await fsp.lstat(r.hostPath);
      if (st.isSymbolicLink()) throw errno('ELOOP', r.guestPath, 'refused: the path changed into a symlink');
      if (!st.isFile() && !st.isDirectory()) return special(r.hostPath);
      const fh = await fsp.open(r.hostPath, C.O_RDONLY | OPEN_NOFOLLOW);
      try {
        await fn(fh);
      } finally {
        await fh.close();
      }
    });
  }

  private existing(path: string, followLast: boolean): Resolved {
    const r = this.resolve(path, followLast);
    if (r.kind === null) throw errno('ENOENT', r.guestPath);
    return r;
  }

  private async writable(): Promise<void> {
    if (this.readOnly) throw errno('EROFS', '/');
    await this.beforeWrite?.();
  }
}

export function toGuestStat(guestPath: string, st: Stats): GuestStat {
  return {
    path: guestPath,
    type: hostFileType(st),
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    nlink: st.nlink,
    inode: st.ino,
    mtime: st.mtime,
    atime: st.atime,
    ctime: st.ctime,
  };
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, C.O_RDONLY | C.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Errors carry the guest path, never the host path of the guest root. */
async function guestErrors<T>(guestPath: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGuestError(err, guestPath);
  }
}

const errno = guestPathError;
