import type { DiskImageSize, ExecOptions, ExecResult, FilesystemInfo, Guest, GuestCapability, MountInfo, OsInfo, TrimmedFilesystem } from './types.js';
import { LocalGuestFs } from './local-fs.js';
import { checkArch } from './arch.js';
import { sandboxExec } from './sandbox.js';
import type { JailBlockDevice } from './jail-args.js';
import { emptyOsInfo } from '../inspect/os.js';
import { CliError, describeError } from '../util/errors.js';
import { ResourceStack } from '../resources/stack.js';
import type { Volume } from '../image/volumes.js';
import { findByDeviceName } from '../image/volumes.js';
import { mountVolume } from '../image/mount-volume.js';
import { mapDrives } from '../windows/drive-letters.js';
import { imageActualSize } from '../image/qemu-img.js';
import { trimMount } from '../image/trim.js';

// A guest whose root is a host directory: a mounted disk image, or a plain tree.
//
// An image opened read-write is still mounted read-only until something writes: opening and
// closing an image without changing it leaves it byte-identical (a read-write mount alone
// writes superblocks). The first write (a mutating command, a file write, a jail run that may
// write) remounts every filesystem read-write, in the order they were mounted.

export interface ImageParts {
  disks: { path: string; device: string; rawPath: string; format: string }[];
  volumes: Volume[];
  stack: ResourceStack;
}

interface MountWish {
  readOnly?: boolean;
  fstype?: string;
  fstabOptions?: string[];
}

interface MountRecord {
  vol: Volume;
  hostDir: string;
  /** The loop device, shared by the mounts of one btrfs's subvolumes. */
  loop: string;
  info: MountInfo;
  wish: MountWish;
}

/** A btrfs mounted again with another subvol=/subvolid= (/ on @, /home on @home). */
function otherSubvolume(vol: Volume, mounted: string[] = [], wanted: string[] = []): boolean {
  if (vol.fstype !== 'btrfs') return false;
  const pick = (o: string[]) => o.filter((x) => /^(subvol|subvolid)=/.test(x)).join(',');
  return pick(mounted) !== pick(wanted);
}

export class MountedGuest implements Guest {
  readonly fs: LocalGuestFs;
  readonly capabilities: ReadonlySet<GuestCapability>;
  private osInfo: OsInfo = emptyOsInfo();
  readonly notes: string[] = [];
  /** When no OS was found: why each filesystem looked at is not a root. */
  noOsReasons: string[] = [];
  /** The image and its backing files, top first, as checked before opening (empty for a directory). */
  chain: { path: string; format: string }[] = [];
  private readonly records: MountRecord[] = [];
  private closed = false;
  /** Whether the mounts are read-write now (a directory always is, unless the session is --ro). */
  private writableNow: boolean;

  constructor(
    readonly kind: 'image' | 'directory',
    readonly name: string,
    readonly root: string,
    readonly readOnly: boolean,
    private readonly image: ImageParts | null,
    /** What the session acquired (for an image: image.stack; for a directory: files the jail creates). */
    private readonly stack: ResourceStack = image?.stack ?? new ResourceStack(root),
  ) {
    this.writableNow = !readOnly && image === null;
    this.fs = new LocalGuestFs(root, readOnly, () => this.prepareWrite());
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

  recordMount(vol: Volume, hostDir: string, loop: string, info: MountInfo, wish: MountWish): void {
    this.records.push({ vol, hostDir, loop, info, wish });
  }

  mounts(): MountInfo[] {
    return this.records.map((r) => r.info).sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));
  }

  async filesystems(): Promise<FilesystemInfo[]> {
    if (!this.image) return [];
    const disks = this.image.disks;
    return this.image.volumes.map((v) => ({
      device: v.device,
      partition: v.partition ?? undefined,
      fstype: v.fstype,
      size: v.size,
      label: v.label,
      uuid: v.uuid,
      partuuid: v.partuuid,
      partlabel: v.partlabel,
      mountpoint: this.records.find((m) => m.vol === v)?.info.mountpoint ?? null,
      ...(disks.length > 1 ? { disk: `${disks[v.disk]?.device} (${disks[v.disk]?.path})` } : {}),
      ...(v.parent ? { parent: v.parent } : {}),
      ...(v.aliases?.length ? { aliases: v.aliases } : {}),
      ...(v.unusable || v.note || v.readOnlyReason ? { note: v.unusable ?? v.note ?? `read-only: ${v.readOnlyReason}` } : {}),
    }));
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new CliError('usage', 'nothing to run');
    await this.checkArch();
    if (opts.blockDevices && !this.image) throw new CliError('unsupported', 'this guest is a directory: it has no block devices to give the jail');
    return sandboxExec(this.root, argv, {
      ...opts,
      devices: opts.blockDevices ? this.blockDevices() : undefined,
      hostname: this.os.hostname ?? undefined,
      debianFamily: this.os.packageFormat === 'deb',
      // Until something made the session writable, the guest's programs see it read-only.
      readOnly: this.readOnly || !this.writableNow,
      stack: this.stack,
    });
  }

  /**
   * The devices the mounted filesystems come from, once each (btrfs subvolumes share one), named
   * /dev/guestctl-loopN in the jail: grub-mkconfig takes a /dev/loop[0-9] for a loop-mounted file
   * (and asks losetup for it), and a guest-like /dev/sda4 for a partition of a /dev/sda that
   * is not there; a name grub does not know is a disk of its own to it.
   */
  private blockDevices(): JailBlockDevice[] {
    const seen = new Map<string, JailBlockDevice>();
    for (const r of this.records) if (!seen.has(r.loop)) seen.set(r.loop, { host: r.loop, name: `/dev/guestctl-${r.loop.replace(/^.*\//, '')}`, uuid: r.vol.uuid ?? null });
    return [...seen.values()];
  }

  async diskSizes(): Promise<DiskImageSize[]> {
    if (!this.image) throw new CliError('usage', 'a directory has no disk image');
    const out: DiskImageSize[] = [];
    for (const d of this.image.disks) out.push({ path: d.path, actualSize: await imageActualSize(d.path, d.format) });
    return out;
  }

  async trimFilesystems(dryRun: boolean): Promise<TrimmedFilesystem[]> {
    if (!this.image) throw new CliError('usage', 'a directory has no disk image to shrink');
    if (!dryRun && !this.readOnly) await this.prepareWrite();
    const done = new Map<string, string>();
    const out: TrimmedFilesystem[] = [];
    for (const r of [...this.records].sort((a, b) => a.info.mountpoint.localeCompare(b.info.mountpoint))) {
      const base = { mountpoint: r.info.mountpoint, device: r.info.device, fstype: r.info.fstype, trimmed: null };
      const same = done.get(r.loop);
      let note: string | null;
      if (r.info.driver === 'fuse') note = 'not trimmed: mounted through a userspace driver, which cannot discard';
      else if (this.readOnly) note = 'not trimmed: the session is read-only';
      else if (same !== undefined) note = `the same filesystem as ${same}`;
      else if (dryRun) note = 'would be trimmed';
      else {
        done.set(r.loop, r.info.mountpoint);
        out.push({ ...base, trimmed: await trimMount(r.hostDir, r.info.mountpoint), note: null });
        continue;
      }
      if (same === undefined) done.set(r.loop, r.info.mountpoint);
      out.push({ ...base, note });
    }
    return out;
  }

  private archChecked = false;
  private async checkArch(): Promise<void> {
    if (this.archChecked) return;
    const header = await this.fs.readFile('/bin/sh').catch(() => null);
    if (header) checkArch(header.subarray(0, 64));
    this.archChecked = true;
  }

  /**
   * Make the session's filesystems writable (once): every mount comes off and goes back on
   * read-write, parents first. A filesystem that cannot be mounted read-write goes back on
   * read-only and the error names it.
   */
  async prepareWrite(): Promise<void> {
    if (this.readOnly) throw new CliError('refused', 'this session is read-only (--ro)');
    if (this.writableNow || !this.image) return;
    const stack = this.image.stack;
    const records = [...this.records];
    for (const [i, r] of [...records].reverse().entries()) await this.release(r, records.slice(0, records.length - 1 - i));
    const failures: string[] = [];
    for (const [i, r] of records.entries()) {
      const readOnly = r.wish.readOnly === true;
      const loop = records.slice(0, i).find((x) => x.vol === r.vol)?.loop;
      try {
        const m = await mountVolume(r.vol, r.hostDir, { readOnly, stack, fstype: r.wish.fstype, fstabOptions: r.wish.fstabOptions, loop });
        r.info = { ...r.info, options: m.options, driver: m.driver, note: m.note };
        r.loop = m.loop;
      } catch (err) {
        failures.push(`${r.vol.device} on ${r.info.mountpoint}: ${describeError(err)}`);
        const m = await mountVolume(r.vol, r.hostDir, { readOnly: true, stack, fstype: r.wish.fstype, fstabOptions: r.wish.fstabOptions, loop });
        r.info = { ...r.info, options: m.options, driver: m.driver, note: m.note };
        r.loop = m.loop;
      }
    }
    if (failures.length > 0) throw new CliError('failed', `cannot make the guest writable: ${failures.join('; ')}`);
    this.writableNow = true;
  }

  async mount(device: string, guestDir: string, opts: MountWish = {}): Promise<MountInfo> {
    if (!this.image) throw new CliError('unsupported', 'mount needs a disk image: this guest is a directory');
    const vol = findByDeviceName(this.image.volumes, device);
    if (!vol) throw new CliError('not-found', `no such device in this image: ${device} (see 'filesystems')`);
    const sameVolume = this.records.find((m) => m.vol === vol);
    if (sameVolume && !otherSubvolume(vol, sameVolume.wish.fstabOptions, opts.fstabOptions)) throw new CliError('exists', `${vol.device} is already mounted`);
    const dir = this.fs.resolve(guestDir, true);
    if (dir.kind !== 'directory') throw new CliError('not-found', `mount point is not a directory in the guest: ${dir.guestPath}`);
    if (this.records.some((m) => m.info.mountpoint === dir.guestPath))
      throw new CliError('exists', `something is already mounted on ${dir.guestPath}`);
    const wish = { ...opts, readOnly: this.readOnly || opts.readOnly === true };
    const readOnly = wish.readOnly || !this.writableNow;
    const m = await mountVolume(vol, dir.hostPath, { readOnly, stack: this.image.stack, fstype: opts.fstype, fstabOptions: opts.fstabOptions, loop: sameVolume?.loop });
    const info: MountInfo = { device: vol.device, mountpoint: dir.guestPath, fstype: opts.fstype ?? vol.fstype ?? '?', options: m.options, driver: m.driver, note: m.note };
    this.records.push({ vol, hostDir: dir.hostPath, loop: m.loop, info, wish });
    return info;
  }

  async umount(guestDir: string): Promise<void> {
    if (!this.image) throw new CliError('unsupported', 'umount needs a disk image: this guest is a directory');
    const dir = this.fs.resolve(guestDir, true);
    const m = this.records.find((x) => x.info.mountpoint === dir.guestPath);
    if (!m) throw new CliError('not-found', `nothing is mounted on ${dir.guestPath}`);
    if (m.info.mountpoint === '/') throw new CliError('refused', 'refusing to unmount the guest root: end the session instead');
    const nested = this.records.filter((x) => x !== m && x.info.mountpoint.startsWith(`${m.info.mountpoint}/`));
    if (nested.length > 0) throw new CliError('refused', `unmount ${nested.map((x) => x.info.mountpoint).join(', ')} first`);
    await this.release(m, this.records.filter((x) => x !== m));
    this.records.splice(this.records.indexOf(m), 1);
  }

  /** Unmount one record; its loop device goes too unless another mounted subvolume still uses it. */
  private async release(m: MountRecord, stillMounted: MountRecord[]): Promise<void> {
    const stack = this.image!.stack;
    await stack.release((r) => r.kind === 'mount' && r.path === m.hostDir);
    if (stillMounted.some((x) => x.loop === m.loop)) return;
    await stack.release((r) => r.kind === 'loop' && r.device === m.loop);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const problems = await this.stack.unwind();
    if (problems.length > 0) throw new CliError('failed', `cleanup incomplete: ${problems.join('; ')} (run 'guestctl cleanup')`);
  }
}
