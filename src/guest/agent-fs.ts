import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { DirEntry, GuestFs, GuestStat, MkdirOptions, RemoveOptions, WriteOptions } from './types.js';
import { findErrors, parseGuestStat } from './agent-stat.js';
import { AgentFsCache } from './agent-tree-cache.js';
import type { AgentClient, AgentExecResult } from '../agent/client.js';
import { AgentError, errnoFromText } from '../agent/errors.js';
import { CliError, describeError, guestPathError } from '../util/errors.js';
import { COMMIT_WRITE, COPY, EXISTS, LIST, LIST_TREE, MOUNTED_MARK, PREPARE_WRITE, READLINK, REALPATH, REMOVE, RENAME, STAT, SYMLINK, XATTRS_UNKNOWN } from '../agent/scripts.js';

// GuestFs of a running guest through its QEMU guest agent. Content moves with
// guest-file-*; everything else runs the guest's own coreutils/busybox through guest-exec,
// with paths as argv (never pasted into a shell string). The guest's kernel resolves the
// paths: this is the live guest's own view, nothing on the host is involved.
//
// Uploads never truncate the target: the data goes to a private sibling temp file, whose
// size and SHA-256 are checked in the guest before it gets the owner and mode of the file
// it replaces and is renamed over it.

const FILE_OPS = ['guest-file-open', 'guest-file-read', 'guest-file-write', 'guest-file-close'];
const EXEC_OPS = ['guest-exec', 'guest-exec-status'];

export class AgentGuestFs implements GuestFs {
  /**
   * A Windows guest has no POSIX sh: content moves with guest-file-* alone (rewritten in
   * place, verified, restored on failure) and the operations that need guest tools refuse.
   */
  windows = false;
  /** Stat data and listings already read from the guest (listings, tree walks' read-ahead). */
  private readonly cache = new AgentFsCache();

  constructor(
    private readonly client: AgentClient,
    private readonly readOnly: boolean,
  ) {}

  /** Forget cached stat data (after anything that may have changed the guest). */
  invalidate(): void {
    this.cache.clear();
  }

  get canExec(): boolean {
    return !this.windows && EXEC_OPS.every((c) => this.client.has(c));
  }

  async readFile(path: string): Promise<Buffer> {
    const p = norm(path);
    await this.client.requireCommand('guest-file-open', 'guest-file-read', 'guest-file-close');
    try {
      return await this.client.readFile(p);
    } catch (err) {
      throw fileError(err, p);
    }
  }

  async writeFile(path: string, data: Buffer | string, opts: WriteOptions = {}): Promise<void> {
    this.writable();
    const p = norm(path);
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
    await this.client.requireCommand(...FILE_OPS);
    this.invalidate();
    if (!this.canExec) return this.writeWithoutExec(p, buf, opts);
    const suffix = randomBytes(6).toString('hex');
    const prep = await this.client.sh(PREPARE_WRITE, [p, suffix]);
    if (prep.code !== 0) throw shError(prep, p);
    const out = prep.stdout.toString('utf8');
    const [first, tmp, ...rest] = out.split('\n');
    const real = rest.join('\n');
    if (!first || !tmp || !real) throw new AgentError('protocol', `unexpected answer from the guest while preparing ${p}`);
    const old = first === '-' ? null : first.split(' ');
    const owner = old ? `${old[0]}:${old[1]}` : `${opts.uid ?? 0}:${opts.gid ?? 0}`;
    const mode = old ? old[2]! : (opts.mode ?? 0o644).toString(8);
    const backup = opts.backupPath ? norm(opts.backupPath) : '';
    try {
      await this.client.overwrite(tmp, buf);
      const sum = sha256(buf);
      let r = await this.client.sh(COMMIT_WRITE, [tmp, real, String(buf.length), sum, owner, mode, old ? backup : '', suffix]);
      if (r.code === 4) {
        // No sha256sum in the guest: read the temp file back and compare here.
        const back = await this.client.readFile(tmp);
        if (sha256(back) !== sum) throw new CliError('failed', `upload of ${real} failed: the data read back differs from what was sent`);
        r = await this.client.sh(COMMIT_WRITE, [tmp, real, String(buf.length), '-', owner, mode, old ? backup : '', suffix]);
      }
      if (r.code === 5) {
        const names = (/^guestctl-xattrs-unkept\t(.*)$/m.exec(r.stderr.toString('utf8'))?.[1] ?? '').trim();
        throw new CliError('failed', `upload of ${real} refused: the guest has getfattr but no setfattr, so its extended attributes (${names}) would be dropped; nothing was changed`);
      }
      if (r.code !== 0) throw shError(r, real, `upload of ${real} failed`);
      if (r.stdout.toString('utf8').split('\n').includes(XATTRS_UNKNOWN))
        opts.onNote?.(`the guest has no getfattr (package attr): extended attributes of the old ${real} (ACLs, file capabilities), if it had any, could not be read and were not kept`);
    } catch (err) {
      const rm = await this.client.run(['rm', '-f', '--', tmp]).catch((e: unknown) => ({ code: 1, stderr: Buffer.from(describeError(e)) }));
      if (rm.code !== 0) throw new CliError('failed', `${describeError(err)} (and the temp file ${tmp} could not be removed: ${rm.stderr.toString().trim()})`);
      throw err;
    }
  }

  /**
   * guest-exec disabled: the file can only be rewritten in place. The old content is kept
   * (in memory, and as the backup file when asked) and written back on any failure.
   */
  private async writeWithoutExec(p: string, buf: Buffer, opts: WriteOptions): Promise<void> {
    let original: Buffer | null;
    try {
      original = await this.client.readFile(p);
    } catch (err) {
      const e = fileError(err, p) as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' && this.windows) original = null;
      else if (e.code === 'ENOENT')
        throw new CliError(
          'unsupported',
          `cannot create ${p}: the guest agent allows no guest-exec, which is needed to give a new file its mode (qemu-ga alone creates files world-writable)`,
        );
      else throw e;
    }
    if (opts.backupPath && original) await this.client.overwrite(norm(opts.backupPath), original).catch((err: unknown) => Promise.reject(fileError(err, norm(opts.backupPath!))));
    try {
      await this.client.overwrite(p, buf);
      const back = await this.client.readFile(p);
      if (sha256(back) !== sha256(buf)) throw new CliError('failed', `the content read back from ${p} differs from what was written`);
    } catch (err) {
      if (!original) throw new CliError('failed', `writing ${p} failed: ${describeError(fileError(err, p))} (the new file may be incomplete)`);
      try {
        await this.client.overwrite(p, original);
      } catch (err2) {
        throw new CliError('failed', `writing ${p} failed (${describeError(err)}), and restoring its previous content failed too: ${describeError(err2)}`);
      }
      throw new CliError('failed', `writing ${p} failed (${describeError(fileError(err, p))}): its previous content was restored`);
    }
  }

  async list(path: string): Promise<DirEntry[]> {
    const p = norm(path);
    const hit = this.cache.listing(p);
    if (hit) return hit;
    const root = this.cache.readAheadRoot(p);
    if (root !== null && this.canExec && (await this.fetchTree(root))) {
      const got = this.cache.readAheadListing(p);
      if (got) return got;
    }
    const r = await this.sh(LIST, [p]);
    const fields = r.stdout.toString('utf8').split('\0');
    const format = fields[0];
    // Exit 5: find could not stat some entries; they are listed as 'unknown' (lstat then says why).
    const unstatable = r.code === 5 && format === 'F' ? findErrors(r.stderr.toString('utf8')) : null;
    if (r.code !== 0 && (!unstatable?.length || unstatable.some((e) => e.rel === ''))) throw shError(r, p);
    const dir = fields[1] ?? p;
    const until = this.cache.listedStatExpiry();
    const entries: DirEntry[] = [];
    const width = format === 'F' ? 12 : 3;
    for (let i = 2; i + width <= fields.length; i += width) {
      const f = fields.slice(i, i + width);
      const name = f[width - 1]!;
      const full = `${dir === '/' ? '' : dir}/${name}`;
      if (format === 'S' && f[0] === '?') {
        entries.push({ name, type: 'unknown' });
        continue;
      }
      const st = format === 'F' ? parseGuestStat(full, { format: 'find', fields: f }) : parseGuestStat(full, { format: 'stat', line: f[0]!, target: f[1]! });
      if (!st) throw new AgentError('protocol', `unexpected listing data from the guest for ${full}`);
      entries.push({ name, type: st.type });
      this.cache.putStat(`${p === '/' ? '' : p}/${name}`, st, until);
      if (dir !== p) this.cache.putStat(full, st, until);
    }
    for (const e of unstatable ?? []) if (!e.rel.includes('/')) entries.push({ name: e.rel, type: 'unknown' });
    this.cache.markListed(p);
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Read the subtree under `root` (GNU find in the guest) into the cache. False when the guest
   * has no GNU find or the directory cannot be read (the caller lists it itself).
   */
  private async fetchTree(root: string): Promise<boolean> {
    const r = await this.sh(LIST_TREE, this.cache.treeFetchArgs(root));
    if (r.code !== 0) return false;
    return this.cache.storeTree(root, r.stdout.toString('utf8'), r.stderr.toString('utf8'));
  }

  async stat(path: string): Promise<GuestStat> {
    const p = norm(path);
    const cached = this.cache.stat(p);
    if (cached && cached.type !== 'symlink') return { ...cached };
    const r = await this.sh(STAT, ['L', p, '']);
    if (r.code !== 0) throw shError(r, p);
    const [line, canonical] = splitLines(r.stdout, 2);
    const st = parseGuestStat(canonical ?? p, { format: 'stat', line: line ?? '', target: '' });
    if (!st) throw new AgentError('protocol', `unexpected stat output for ${p}`);
    return st;
  }

  async lstat(path: string): Promise<GuestStat> {
    const p = norm(path);
    const cached = this.cache.stat(p);
    if (cached) return { ...cached };
    const r = await this.sh(STAT, ['P', p, posix.dirname(p)]);
    if (r.code !== 0) throw shError(r, p);
    const [line, dir, target] = splitLines(r.stdout, 3);
    const full = p === '/' ? '/' : `${dir === '/' ? '' : dir}/${posix.basename(p)}`;
    const st = parseGuestStat(full, { format: 'stat', line: line ?? '', target: target ?? '' });
    if (!st) throw new AgentError('protocol', `unexpected stat output for ${p}`);
    return st;
  }

  async readlink(path: string): Promise<string> {
    const p = norm(path);
    const r = await this.sh(READLINK, [p]);
    if (r.code !== 0) throw shError(r, p);
    return stripNewline(r.stdout.toString('utf8'));
  }

  async exists(path: string): Promise<boolean> {
    const p = norm(path);
    if (!this.canExec) {
      try {
        await this.client.withHandle(p, 'r', async () => undefined);
        return true;
      } catch (err) {
        const code = (fileError(err, p) as NodeJS.ErrnoException).code;
        return !(code === 'ENOENT' || code === 'ENOTDIR');
      }
    }
    const r = await this.sh(EXISTS, [p]);
    if (r.code > 1) throw shError(r, p);
    return r.code === 0;
  }

  async realpath(path: string): Promise<string> {
    const p = norm(path);
    const r = await this.sh(REALPATH, [p]);
    if (r.code !== 0) throw shError(r, p);
    return stripNewline(r.stdout.toString('utf8'));
  }

  async mkdir(path: string, opts: MkdirOptions = {}): Promise<void> {
    this.writable();
    const p = norm(path);
    const mode = (opts.mode ?? 0o755).toString(8).padStart(4, '0');
    await this.mutate(['mkdir', ...(opts.parents ? ['-p'] : []), '-m', mode, '--', p], p);
  }

  async remove(path: string, opts: RemoveOptions = {}): Promise<void> {
    this.writable();
    const p = norm(path);
    if (p === '/') throw guestPathError('EPERM', '/', 'refusing to remove the guest root');
    this.posixOnly();
    this.invalidate();
    const r = await this.client.sh(REMOVE, [p, opts.recursive ? 'r' : '']);
    if (r.code === 6) {
      const mounts = r.stderr.toString('utf8').split('\n').filter((l) => l.startsWith(`${MOUNTED_MARK}\t`)).map((l) => l.slice(MOUNTED_MARK.length + 1));
      throw new CliError('refused', `${p} is or contains a mount point (${mounts.join(', ')}): nothing deleted, umount it first`);
    }
    if (r.code !== 0) throw shError(r, p);
  }

  async rename(from: string, to: string): Promise<void> {
    this.writable();
    const a = norm(from);
    if (a === '/') throw guestPathError('EPERM', '/', 'refusing to move the guest root');
    await this.mutateSh(RENAME, [a, norm(to)], a);
  }

  async copy(from: string, to: string): Promise<void> {
    this.writable();
    const a = norm(from);
    await this.mutateSh(COPY, [a, norm(to), randomBytes(6).toString('hex')], a);
  }

  async chmod(path: string, mode: number): Promise<void> {
    this.writable();
    const p = norm(path);
    // Five digits: GNU chmod keeps a directory's setgid bit for a 4-digit mode like 0755.
    await this.mutate(['chmod', '--', '0' + (mode & 0o7777).toString(8).padStart(4, '0'), p], p);
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    this.writable();
    const p = norm(path);
    await this.mutate(['chown', '--', `${uid}:${gid}`, p], p);
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    this.writable();
    const p = norm(linkPath);
    await this.mutateSh(SYMLINK, [target, p], p);
  }

  private sh(script: string, args: string[]): Promise<AgentExecResult> {
    this.posixOnly();
    return this.client.sh(script, args);
  }

  private posixOnly(): void {
    if (this.windows) throw new CliError('unsupported', 'this operation needs POSIX tools in the guest, and this is a Windows guest');
  }

  private async mutate(argv: string[], p: string): Promise<void> {
    this.posixOnly();
    this.invalidate();
    const r = await this.client.run(argv, { env: { LC_ALL: 'C' } });
    if (r.code !== 0) throw shError(r, p);
  }

  private async mutateSh(script: string, args: string[], p: string): Promise<void> {
    this.posixOnly();
    this.invalidate();
    const r = await this.client.sh(script, args);
    if (r.code !== 0) throw shError(r, p);
  }

  private writable(): void {
    if (this.readOnly) throw guestPathError('EROFS', '/');
  }
}

/** A Windows guest path (C:\...) is passed through; a POSIX one is made absolute and normal. */
export function norm(path: string): string {
  if (/^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) return path;
  const p = posix.normalize(path.startsWith('/') ? path : `/${path}`);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function stripNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

/** The first n-1 lines, and the rest (without its final newline) as the last element. */
function splitLines(out: Buffer, n: number): string[] {
  const text = out.toString('utf8');
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < n - 1; i++) {
    const nl = text.indexOf('\n', from);
    if (nl < 0) {
      parts.push(text.slice(from));
      return parts;
    }
    parts.push(text.slice(from, nl));
    from = nl + 1;
  }
  parts.push(stripNewline(text.slice(from)));
  return parts;
}

/** A guest-file-* failure about `path` as an errno error when the guest named one. */
export function fileError(err: unknown, path: string): unknown {
  if (!(err instanceof AgentError) || err.kind !== 'guest') return err;
  const code = errnoFromText(err.detail.guestDesc ?? err.message);
  return code ? guestPathError(code, path) : err;
}

/** A failed guest helper (coreutils/busybox message on stderr) as an errno error or one line. */
export function shError(r: AgentExecResult, path: string, what?: string): Error {
  const text = r.stderr.toString('utf8').trim();
  const first = text.split('\n').find(Boolean) ?? '';
  if (r.code === 3) return guestPathError('EINVAL', path, /not a symbolic link/.test(text) ? 'not a symbolic link' : /regular file/.test(text) ? 'not a regular file' : first || undefined);
  const code = errnoFromText(text);
  if (code && !what) return guestPathError(code, path);
  // coreutils' "stat: cannot statx 'PATH': CAUSE": the path is named already, keep the cause.
  const cause = /^\S+: cannot [a-z]+ '.*': (.+)$/.exec(first)?.[1] ?? first;
  return new CliError('failed', `${what ?? path}: ${cause || `exit status ${r.code}`}`);
}
