import type { ExecOptions, ExecResult, FilesystemInfo, Guest, GuestCapability, MountInfo, OsInfo } from './types.js';
import { LocalGuestFs } from './local-fs.js';
import { checkArch } from './arch.js';
import { sandboxExec } from './sandbox.js';
import { emptyOsInfo } from '../inspect/os.js';
import { CliError } from '../util/errors.js';
import { ResourceStack } from '../resources/stack.js';
import type { Volume } from '../image/volumes.js';
import { findByDeviceName } from '../image/volumes.js';
import { mountVolume } from '../image/mount-volume.js';
import { mapDrives } from '../windows/drive-letters.js';

// A guest whose root is a host directory: a mounted disk image, or a plain tree.

export interface ImageParts {
  rawPath: string;
  volumes: Volume[];
  stack: ResourceStack;
}

export class MountedGuest implements Guest {
  readonly fs: LocalGuestFs;
  readonly capabilities: ReadonlySet<GuestCapability>;
  private osInfo: OsInfo = emptyOsInfo();
  readonly notes: string[] = [];
  /** The image and its backing files, top first, as checked before opening (empty for a directory). */
  chain: { path: string; format: string }[] = [];
  private readonly mounted: MountInfo[] = [];
  private closed = false;

  constructor(
    readonly kind: 'image' | 'directory',
    readonly name: string,
    readonly root: string,
    readonly readOnly: boolean,
    private readonly image: ImageParts | null,
    /** What the session acquired (for an image: image.stack; for a directory: files the jail creates). */
    private readonly stack: ResourceStack = image?.stack ?? new ResourceStack(root),
  ) {
    this.fs = new LocalGuestFs(root, readOnly);
    this.capabilities = new Set<GuestCapability>(image ? ['fs', 'exec', 'mount'] : ['fs', 'exec']);
  }

  get os(): OsInfo {
    return this.osInfo;
  }

  /** A Windows guest's paths are case-insensitive, and its drive letters name this image's partitions. */
  set os(info: OsInfo) {
    const windows = info.type === 'windows';
    this.fs.ignoreCase = windows;
    this.osInfo = windows && info.drives && this.image ? { ...info, drives: mapDrives(info.drives, this.image.volumes) } : info;
  }

  recordMount(m: MountInfo): void {
    this.mounted.push(m);
  }

  mounts(): MountInfo[] {
    return [...this.mounted].sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));
  }

  async filesystems(): Promise<FilesystemInfo[]> {
    if (!this.image) return [];
    return this.image.volumes.map((v) => ({
      device: v.device,
      partition: v.partition ?? undefined,
      fstype: v.fstype,
      size: v.size,
      label: v.label,
      uuid: v.uuid,
      partuuid: v.partuuid,
      partlabel: v.partlabel,
      mountpoint: this.mounted.find((m) => m.device === v.device)?.mountpoint ?? null,
    }));
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new CliError('usage', 'nothing to run');
    await this.checkArch();
    return sandboxExec(this.root, argv, {
      ...opts,
      hostname: this.os.hostname ?? undefined,
      debianFamily: this.os.packageFormat === 'deb',
      readOnly: this.readOnly,
      stack: this.stack,
    });
  }

  private archChecked = false;
  private async checkArch(): Promise<void> {
    if (this.archChecked) return;
    const header = await this.fs.readFile('/bin/sh').catch(() => null);
    if (header) checkArch(header.subarray(0, 64));
    this.archChecked = true;
  }

  async mount(device: string, guestDir: string, opts: { readOnly?: boolean; fstype?: string; fstabOptions?: string[] } = {}): Promise<MountInfo> {
    if (!this.image) throw new CliError('unsupported', 'mount needs a disk image: this guest is a directory');
    const vol = findByDeviceName(this.image.volumes, device);
    if (!vol) throw new CliError('not-found', `no such device in this image: ${device} (see 'filesystems')`);
    if (this.mounted.some((m) => m.device === vol.device)) throw new CliError('exists', `${vol.device} is already mounted`);
    const dir = this.fs.resolve(guestDir, true);
    if (dir.kind !== 'directory') throw new CliError('not-found', `mount point is not a directory in the guest: ${dir.guestPath}`);
    if (this.mounted.some((m) => m.mountpoint === dir.guestPath))
      throw new CliError('exists', `something is already mounted on ${dir.guestPath}`);
    const readOnly = this.readOnly || opts.readOnly === true;
    const m = await mountVolume(vol, dir.hostPath, { rawPath: this.image.rawPath, readOnly, stack: this.image.stack, fstype: opts.fstype, fstabOptions: opts.fstabOptions });
    const info: MountInfo = { device: vol.device, mountpoint: dir.guestPath, fstype: opts.fstype ?? vol.fstype ?? '?', options: m.options, driver: m.driver, note: m.note };
    this.mounted.push(info);
    return info;
  }

  async umount(guestDir: string): Promise<void> {
    if (!this.image) throw new CliError('unsupported', 'umount needs a disk image: this guest is a directory');
    const dir = this.fs.resolve(guestDir, true);
    const m = this.mounted.find((x) => x.mountpoint === dir.guestPath);
    if (!m) throw new CliError('not-found', `nothing is mounted on ${dir.guestPath}`);
    if (m.mountpoint === '/') throw new CliError('refused', 'refusing to unmount the guest root: end the session instead');
    const nested = this.mounted.filter((x) => x !== m && x.mountpoint.startsWith(m.mountpoint === '/' ? '/' : `${m.mountpoint}/`));
    if (nested.length > 0) throw new CliError('refused', `unmount ${nested.map((x) => x.mountpoint).join(', ')} first`);
    const stack = this.image.stack;
    await stack.release((r) => r.kind === 'mount' && r.path === dir.hostPath);
    this.mounted.splice(this.mounted.indexOf(m), 1);
    const loopOf = this.image.volumes.find((v) => v.device === m.device);
    if (loopOf) await stack.release((r) => r.kind === 'loop' && r.offset === loopOf.offset && r.backing === this.image!.rawPath);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const problems = await this.stack.unwind();
    if (problems.length > 0) throw new CliError('failed', `cleanup incomplete: ${problems.join('; ')} (run 'guestctl cleanup')`);
  }
}

