import { posix } from 'node:path';
import { resolveGuestPath, type NodeKind, type Resolved, type ResolverIo } from '../../src/guest/resolve.js';
import { guestPathError as errno } from '../../src/util/errors.js';
import type { DirEntry, FileType, GuestFs, GuestStat, MkdirOptions, RemoveOptions, WriteOptions } from '../../src/guest/types.js';

// An in-memory GuestFs for tests. Paths resolve with the real resolver (src/guest/resolve.ts)
// over this tree, so `..`, absolute and relative symlinks and loops behave as on an image,
// and errors carry the same messages as LocalGuestFs. Each node is an inode: a write
// replaces it (atomic rename), a hard link (the backup of a write) shares it.

export interface FakeNode {
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  inode: number;
  mtime: Date;
  atime: Date;
  ctime: Date;
  /** file content */
  data?: Buffer;
  /** directory entries */
  entries?: Map<string, FakeNode>;
  /** symlink target, verbatim */
  target?: string;
  xattrs: Map<string, Buffer>;
  links: number;
}

export interface NodeMeta {
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

export class FakeGuestFs implements GuestFs {
  readonly root: FakeNode;
  private nextInode = 2;

  constructor(
    /** Settable: a test may reopen the same tree read-only (FakeGuest.setReadOnly). */
    public readOnly: boolean,
    /** The clock for mtimes of what the fs itself writes. */
    private readonly now: () => Date,
  ) {
    this.root = this.node('directory', { mode: 0o755 });
  }

  // ---- building (tests, not commands): parents are created 0755 root:root, nothing is refused

  addFile(path: string, data: Buffer | string, meta: NodeMeta = {}): FakeNode {
    return this.place(path, { ...this.node('file', { mode: 0o644, ...meta }), data: Buffer.from(data) });
  }

  addDir(path: string, meta: NodeMeta = {}): FakeNode {
    const existing = this.lookup(path);
    if (existing?.type === 'directory') return Object.assign(existing, meta);
    return this.place(path, this.node('directory', { mode: 0o755, ...meta }));
  }

  addSymlink(path: string, target: string, meta: NodeMeta = {}): FakeNode {
    return this.place(path, { ...this.node('symlink', { mode: 0o777, ...meta }), target });
  }

  /** A device node, FIFO or socket: it exists and has metadata, and is never read. */
  addSpecial(path: string, type: 'block' | 'char' | 'fifo' | 'socket', meta: NodeMeta = {}): FakeNode {
    return this.place(path, this.node(type, { mode: 0o644, ...meta }));
  }

  /** The node at a canonical path, without following any symlink (null when missing). */
  lookup(path: string): FakeNode | null {
    let n: FakeNode | undefined = this.root;
    for (const name of parts(path)) {
      n = n?.entries?.get(name);
      if (!n) return null;
    }
    return n;
  }

  /** Whether the path itself exists (a dangling symlink does), for assertions. */
  async lexists(path: string): Promise<boolean> {
    return this.resolvesTo(path, false);
  }

  // ---- GuestFs

  resolve(path: string, followLast = true): Resolved {
    return resolveGuestPath('/', path, { followLast, io: this.io });
  }

  async readFile(path: string): Promise<Buffer> {
    const { r, n } = this.existing(path, true);
    if (n.type === 'directory') throw errno('EISDIR', r.guestPath);
    if (n.type !== 'file') throw errno('EINVAL', r.guestPath, 'not a regular file');
    return Buffer.from(n.data!);
  }

  async writeFile(path: string, data: Buffer | string, opts: WriteOptions = {}): Promise<void> {
    this.writable();
    const r = this.resolve(path, true);
    const old = r.kind === null ? null : this.lookup(r.guestPath)!;
    if (old?.type === 'directory') throw errno('EISDIR', r.guestPath);
    if (old && old.type !== 'file') throw errno('EINVAL', r.guestPath, 'not a regular file');
    const fresh: FakeNode = {
      ...this.node('file', {
        mode: old ? old.mode : (opts.mode ?? 0o644),
        uid: old?.uid ?? opts.uid ?? 0,
        gid: old?.gid ?? opts.gid ?? 0,
        mtime: this.now(),
      }),
      data: Buffer.from(data),
    };
    if (old) {
      fresh.xattrs = new Map(old.xattrs);
      if (opts.backupPath) this.keepBackup(old, opts.backupPath);
    }
    this.link(r.guestPath, fresh);
  }

  /** The old inode stays linked under the backup name, as LocalGuestFs does with link(2). */
  private keepBackup(old: FakeNode, backupPath: string): void {
    const b = this.resolve(backupPath, false);
    if (b.kind === 'directory') throw errno('EISDIR', b.guestPath);
    this.link(b.guestPath, old);
  }

  async list(path: string): Promise<DirEntry[]> {
    const { r, n } = this.existing(path, true);
    if (n.type !== 'directory') throw errno('ENOTDIR', r.guestPath);
    return [...n.entries!.entries()].map(([name, e]) => ({ name, type: e.type })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async stat(path: string): Promise<GuestStat> {
    const { r, n } = this.existing(path, true);
    return toStat(r.guestPath, n);
  }

  async lstat(path: string): Promise<GuestStat> {
    const { r, n } = this.existing(path, false);
    const st = toStat(r.guestPath, n);
    if (n.type === 'symlink') st.symlinkTarget = n.target;
    return st;
  }

  async readlink(path: string): Promise<string> {
    const { r, n } = this.existing(path, false);
    if (n.type !== 'symlink') throw errno('EINVAL', r.guestPath, 'not a symbolic link');
    return n.target!;
  }

  async exists(path: string): Promise<boolean> {
    return this.resolvesTo(path, true);
  }

  async realpath(path: string): Promise<string> {
    return this.existing(path, true).r.guestPath;
  }

  async mkdir(path: string, opts: MkdirOptions = {}): Promise<void> {
    this.writable();
    const mode = opts.mode ?? 0o755;
    if (opts.parents) return this.makeDirs(path.startsWith('/') ? path : `/${path}`, mode);
    const r = this.resolve(path, false);
    if (r.kind !== null) throw errno('EEXIST', r.guestPath);
    this.link(r.guestPath, this.node('directory', { mode, mtime: this.now() }));
  }

  /** mkdir -p: each ancestor (as written: `..` after a symlink is its target's parent), symlinks followed, is or becomes a directory. */
  private makeDirs(path: string, mode: number): void {
    if (posix.dirname(path) === path) return;
    this.makeDirs(posix.dirname(path), mode);
    const r = this.resolve(path, true);
    if (r.kind === 'directory') return;
    if (r.kind !== null) throw errno('ENOTDIR', r.guestPath);
    this.link(r.guestPath, this.node('directory', { mode, mtime: this.now() }));
  }

  async remove(path: string, opts: RemoveOptions = {}): Promise<void> {
    this.writable();
    const { r, n } = this.existing(path, false);
    if (r.guestPath === '/') throw errno('EPERM', '/', 'refusing to remove the guest root');
    if (n.type === 'directory' && !opts.recursive && n.entries!.size > 0) throw errno('ENOTEMPTY', r.guestPath);
    this.unlink(r.guestPath);
  }

  async rename(from: string, to: string): Promise<void> {
    this.writable();
    const { r: a, n } = this.existing(from, false);
    const b = this.resolve(to, false);
    if (a.guestPath === '/') throw errno('EPERM', '/', 'refusing to move the guest root');
    if (a.guestPath === b.guestPath) return;
    if (n.type === 'directory' && b.guestPath.startsWith(`${a.guestPath}/`)) throw errno('EINVAL', a.guestPath);
    const dest = b.kind === null ? null : this.lookup(b.guestPath)!;
    if (dest?.type === 'directory' && n.type !== 'directory') throw errno('EISDIR', a.guestPath);
    if (dest && dest.type !== 'directory' && n.type === 'directory') throw errno('ENOTDIR', a.guestPath);
    if (dest?.type === 'directory' && dest.entries!.size > 0) throw errno('ENOTEMPTY', a.guestPath);
    this.unlink(a.guestPath);
    this.link(b.guestPath, n);
  }

  async copy(from: string, to: string): Promise<void> {
    const { r, n } = this.existing(from, true);
    if (n.type !== 'file') throw errno('EINVAL', r.guestPath, 'not a regular file');
    await this.writeFile(this.resolve(to, true).guestPath, n.data!, { mode: n.mode, uid: n.uid, gid: n.gid });
  }

  async chmod(path: string, mode: number): Promise<void> {
    this.writable();
    const { n } = this.existing(path, true);
    n.mode = mode & 0o7777;
    n.ctime = this.now();
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    this.writable();
    const { n } = this.existing(path, true);
    // -1 keeps the id, as chown(2) does.
    if (uid !== -1) n.uid = uid;
    if (gid !== -1) n.gid = gid;
    n.ctime = this.now();
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    this.writable();
    const r = this.resolve(linkPath, false);
    if (r.kind !== null) throw errno('EEXIST', r.guestPath);
    this.link(r.guestPath, { ...this.node('symlink', { mode: 0o777, mtime: this.now() }), target });
  }

  async setXattr(path: string, name: string, value: Buffer | string): Promise<void> {
    this.writable();
    if (!/^[A-Za-z0-9_.-]+\.[^\s=]+$/.test(name)) throw errno('EINVAL', path, `not an extended attribute name: ${JSON.stringify(name)}`);
    const { n } = this.existing(path, false);
    n.xattrs.set(name, Buffer.from(value));
  }

  async getXattr(path: string, name: string): Promise<Buffer | null> {
    const { n } = this.existing(path, false);
    return n.xattrs.get(name) ?? null;
  }

  // ---- internals

  private readonly io: ResolverIo = {
    kind: (hostPath): NodeKind | null => {
      const n = this.lookup(hostPath);
      if (!n) return null;
      return n.type === 'symlink' ? 'symlink' : n.type === 'directory' ? 'directory' : 'other';
    },
    readlink: (hostPath) => this.lookup(hostPath)!.target!,
  };

  /** Whether the path resolves to something; a path that cannot resolve (a loop, a file as a directory) does not. */
  private resolvesTo(path: string, followLast: boolean): boolean {
    try {
      return this.resolve(path, followLast).kind !== null;
    } catch (err) {
      if ((err as { guestPathError?: boolean }).guestPathError) return false;
      throw err;
    }
  }

  private existing(path: string, followLast: boolean): { r: Resolved; n: FakeNode } {
    const r = this.resolve(path, followLast);
    if (r.kind === null) throw errno('ENOENT', r.guestPath);
    return { r, n: this.lookup(r.guestPath)! };
  }

  private writable(): void {
    if (this.readOnly) throw errno('EROFS', '/');
  }

  private node(type: FileType, meta: NodeMeta): FakeNode {
    const time = meta.mtime ?? FIXED_TIME;
    return {
      type,
      mode: (meta.mode ?? 0o644) & 0o7777,
      uid: meta.uid ?? 0,
      gid: meta.gid ?? 0,
      inode: this.nextInode++,
      mtime: time,
      atime: time,
      ctime: time,
      links: 0,
      xattrs: new Map(),
      ...(type === 'directory' ? { entries: new Map<string, FakeNode>() } : {}),
    };
  }

  /** Put a node at a guest path for the spec, creating missing parents. */
  private place(path: string, n: FakeNode): FakeNode {
    const names = parts(path);
    if (names.length === 0) throw new Error(`fake guest: cannot replace the root with ${path}`);
    let dir = this.root;
    for (const name of names.slice(0, -1)) {
      let next = dir.entries!.get(name);
      if (!next) {
        next = this.node('directory', { mode: 0o755 });
        next.links = 1;
        dir.entries!.set(name, next);
      }
      if (next.type !== 'directory') throw new Error(`fake guest: ${path}: a parent is a ${next.type}`);
      dir = next;
    }
    this.link('/' + names.join('/'), n);
    return n;
  }

  /** Link a node at a canonical path whose parent exists, replacing what was there. */
  private link(canonical: string, n: FakeNode): void {
    const parent = this.lookup(posix.dirname(canonical))!;
    const name = posix.basename(canonical);
    const old = parent.entries!.get(name);
    if (old) old.links--;
    parent.entries!.set(name, n);
    n.links++;
    parent.mtime = parent.ctime = this.now();
  }

  private unlink(canonical: string): void {
    const parent = this.lookup(posix.dirname(canonical))!;
    const name = posix.basename(canonical);
    parent.entries!.get(name)!.links--;
    parent.entries!.delete(name);
    parent.mtime = parent.ctime = this.now();
  }
}

/** The mtime of everything the spec creates: output that shows dates stays the same every run. */
export const FIXED_TIME = new Date('2024-01-02T03:04:05Z');

function parts(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0);
}

function toStat(path: string, n: FakeNode): GuestStat {
  const subdirs = n.type === 'directory' ? [...n.entries!.values()].filter((e) => e.type === 'directory').length : 0;
  return {
    path,
    type: n.type,
    size: n.type === 'file' ? n.data!.length : n.type === 'symlink' ? Buffer.byteLength(n.target!) : n.type === 'directory' ? 4096 : 0,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    nlink: n.type === 'directory' ? 2 + subdirs : n.links,
    inode: n.inode,
    mtime: n.mtime,
    atime: n.atime,
    ctime: n.ctime,
  };
}
