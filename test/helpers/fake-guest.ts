import { posix } from 'node:path';
import type { ExecOptions, ExecResult, FilesystemInfo, Guest, GuestCapability, MountInfo, OsInfo } from '../../src/guest/types.js';
import { emptyOsInfo } from '../../src/inspect/os.js';
import { CliError } from '../../src/util/errors.js';
import { FakeGuestFs, type NodeMeta } from './fake-fs.js';

// A Guest for tests, built from a small spec: an in-memory file system, inspected facts the
// test sets, and an exec that answers only the programs the test scripted (any other fails
// with 127, as a guest without the program does).
//
//   const guest = fakeGuest({
//     files: { '/etc/passwd': 'root:x:0:0::/root:/bin/bash\n', '/home/alice': dir({ uid: 1000 }), '/bin/sh': link('busybox') },
//     os: { distro: 'debian', packageFormat: 'deb' },
//     exec: { 'sshd': (argv) => ({ code: argv.includes('-t') ? 0 : 1 }) },
//   });

export type FileSpec = string | Buffer | EntrySpec;
export type EntrySpec =
  | ({ kind: 'file'; data: string | Buffer } & NodeMeta)
  | ({ kind: 'dir' } & NodeMeta)
  | ({ kind: 'symlink'; target: string } & NodeMeta)
  | ({ kind: 'block' | 'char' | 'fifo' | 'socket' } & NodeMeta);

export const file = (data: string | Buffer, meta: NodeMeta = {}): EntrySpec => ({ kind: 'file', data, ...meta });
export const dir = (meta: NodeMeta = {}): EntrySpec => ({ kind: 'dir', ...meta });
export const link = (target: string, meta: NodeMeta = {}): EntrySpec => ({ kind: 'symlink', target, ...meta });
export const special = (kind: 'block' | 'char' | 'fifo' | 'socket', meta: NodeMeta = {}): EntrySpec => ({ kind, ...meta });

export type ExecReply = Partial<ExecResult>;
export type ExecHandler = ExecReply | ((argv: string[], opts: ExecOptions, guest: FakeGuest) => ExecReply | Promise<ExecReply>);

export interface FakeGuestSpec {
  /** Guest path → content (a 0644 root:root file), or file()/dir()/link()/special() with owner, mode, mtime. */
  files?: Record<string, FileSpec>;
  os?: Partial<OsInfo>;
  /** Program (argv[0] as given, or its base name) → the reply, or a function computing it. */
  exec?: Record<string, ExecHandler>;
  kind?: Guest['kind'];
  name?: string;
  readOnly?: boolean;
  /** Default: fs and exec, plus mount for an image and live for a live guest. */
  capabilities?: GuestCapability[];
  mounts?: MountInfo[];
  filesystems?: FilesystemInfo[];
  /** The clock for what the guest writes (default: the real one). */
  now?: () => Date;
}

export interface ExecCall {
  argv: string[];
  opts: ExecOptions;
}

export class FakeGuest implements Guest {
  readonly kind: Guest['kind'];
  readonly name: string;
  readOnly: boolean;
  readonly capabilities: ReadonlySet<GuestCapability>;
  readonly fs: FakeGuestFs;
  os: OsInfo;
  /** Every exec call, in order, for tests that check what ran. */
  readonly execCalls: ExecCall[] = [];
  readonly handlers: Map<string, ExecHandler>;
  closed = false;

  constructor(private readonly spec: FakeGuestSpec = {}) {
    this.kind = spec.kind ?? 'image';
    this.name = spec.name ?? 'fake.img';
    this.readOnly = spec.readOnly ?? false;
    const defaults: GuestCapability[] = this.kind === 'live' ? ['fs', 'exec', 'live'] : this.kind === 'image' ? ['fs', 'exec', 'mount'] : ['fs', 'exec'];
    this.capabilities = new Set(spec.capabilities ?? defaults);
    this.os = { ...emptyOsInfo(this.kind === 'live'), ...spec.os };
    this.fs = new FakeGuestFs(this.readOnly, spec.now ?? (() => new Date()));
    this.handlers = new Map(Object.entries(spec.exec ?? {}));
    for (const [path, entry] of Object.entries(spec.files ?? {})) this.add(path, entry);
  }

  /** Add or replace one entry, bypassing read-only and every check (test setup). */
  add(path: string, entry: FileSpec): void {
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) this.fs.addFile(path, entry);
    else if (entry.kind === 'file') this.fs.addFile(path, entry.data, entry);
    else if (entry.kind === 'dir') this.fs.addDir(path, entry);
    else if (entry.kind === 'symlink') this.fs.addSymlink(path, entry.target, entry);
    else this.fs.addSpecial(path, entry.kind, entry);
  }

  /** The same tree as a read-only (--ro) session sees it, or writable again. */
  setReadOnly(readOnly: boolean): this {
    this.readOnly = readOnly;
    this.fs.readOnly = readOnly;
    return this;
  }

  /** The text of a guest file, symlinks followed (for assertions). */
  text(path: string): string {
    const n = this.fs.lookup(this.fs.resolve(path).guestPath);
    if (n?.type !== 'file') throw new Error(`fake guest: not a file: ${path}`);
    return n.data!.toString('utf8');
  }

  /** Script (or re-script) a program. */
  on(program: string, handler: ExecHandler): this {
    this.handlers.set(program, handler);
    return this;
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new CliError('usage', 'nothing to run');
    if (!this.capabilities.has('exec')) throw new CliError('unsupported', `fake guest: exec is not a capability of this guest (${argv[0]})`);
    this.execCalls.push({ argv: [...argv], opts });
    const prog = argv[0]!;
    const handler = this.handlers.get(prog) ?? this.handlers.get(posix.basename(prog));
    if (handler === undefined) return { code: 127, stdout: '', stderr: `${prog}: command not found\n` };
    const reply = typeof handler === 'function' ? await handler(argv, opts, this) : handler;
    return { code: reply.code ?? 0, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '' };
  }

  mounts(): MountInfo[] {
    return [...(this.spec.mounts ?? [])];
  }

  async filesystems(): Promise<FilesystemInfo[]> {
    return [...(this.spec.filesystems ?? [])];
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function fakeGuest(spec: FakeGuestSpec = {}): FakeGuest {
  return new FakeGuest(spec);
}
