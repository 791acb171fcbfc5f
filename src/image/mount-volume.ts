import { existsSync } from 'node:fs';
import os from 'node:os';
import { CliError } from '../util/errors.js';
import { runTool } from '../util/run-tool.js';
import { pushMount, type ResourceStack } from '../resources/stack.js';
import { attachLoop } from './attach.js';
import { featureHint } from './fs-features.js';
import type { Volume } from './volumes.js';

// Mount one volume at a host directory: the kernel driver where there is one, a
// userspace (FUSE) driver where the kernel lacks it, else a clear refusal that
// names what is missing.

export interface MountedVolume {
  driver: 'kernel' | 'fuse';
  /** The loop device it is mounted from (another subvolume of the same btrfs must share it). */
  loop: string;
  options: string;
  readOnly: boolean;
  note?: string;
}

const UNMOUNTABLE: Record<string, string> = {
  swap: 'swap space',
  LVM2_member: 'an LVM physical volume, not a filesystem (the logical volumes of a readable VG are /dev/VG/LV)',
  crypto_LUKS: 'a LUKS encrypted container: its opened contents are /dev/mapper/luks-UUID (give its key with --key)',
  linux_raid_member: 'a Linux RAID member: its array is opened as /dev/mdN (see filesystems)',
  BitLocker: 'a BitLocker encrypted volume',
};

/**
 * Userspace drivers, by filesystem type: program, Debian package, whether writes are trusted.
 * fusefat is deliberately absent: it lists long-named directories as files (and twice), which
 * sends any tree walk into a loop; a FAT volume without a kernel driver is skipped instead.
 */
const FUSE_DRIVERS: Record<string, { program: string; pkg: string; writable: boolean }> = {
  ntfs: { program: 'ntfs-3g', pkg: 'ntfs-3g', writable: true },
  iso9660: { program: 'fuseiso', pkg: 'fuseiso', writable: false },
  ext2: { program: 'fuse2fs', pkg: 'fuse2fs', writable: true },
  ext3: { program: 'fuse2fs', pkg: 'fuse2fs', writable: true },
  ext4: { program: 'fuse2fs', pkg: 'fuse2fs', writable: true },
};

export function whyUnmountable(vol: Volume): string | null {
  if (vol.unusable) return vol.unusable;
  if (vol.usage === 'ambivalent') return 'several filesystem signatures disagree (blkid: ambivalent result)';
  if (!vol.fstype) return 'no filesystem found';
  return UNMOUNTABLE[vol.fstype] ?? null;
}

function kernelOptions(fstype: string, readOnly: boolean, extra: string[]): string {
  const opts = [readOnly ? 'ro' : 'rw', 'nodev', 'nosuid'];
  if (readOnly && (fstype === 'ext3' || fstype === 'ext4')) opts.push('noload');
  if (readOnly && fstype === 'xfs') opts.push('norecovery');
  if (readOnly && fstype === 'btrfs') opts.push(btrfsNoLogReplay(kernelHasBtrfsRescue()));
  return [...opts, ...extra].join(',');
}

/** Kernels since 5.9 only take `rescue=nologreplay` (newer ones reject the bare `nologreplay`). */
export function btrfsNoLogReplay(hasRescue: boolean): string {
  return hasRescue ? 'rescue=nologreplay' : 'nologreplay';
}

let rescueKnown: boolean | undefined;
/** The btrfs module lists its rescue= options here (5.11+); otherwise the running kernel's version decides. */
function kernelHasBtrfsRescue(): boolean {
  if (rescueKnown !== undefined) return rescueKnown;
  rescueKnown = existsSync('/sys/fs/btrfs/features/supported_rescue_options') || kernelAtLeast(os.release(), 5, 9);
  return rescueKnown;
}

export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** Options from the guest's fstab worth keeping (which subvolume, for instance). */
export function carriedOptions(fstype: string, fstabOptions: string[]): string[] {
  if (fstype === 'btrfs') return fstabOptions.filter((o) => /^(subvol|subvolid)=/.test(o));
  return [];
}

export async function mountVolume(
  vol: Volume,
  hostDir: string,
  opts: { readOnly: boolean; stack: ResourceStack; fstabOptions?: string[]; fstype?: string; loop?: string },
): Promise<MountedVolume> {
  const fstype = opts.fstype ?? vol.fstype;
  const why = whyUnmountable({ ...vol, fstype: fstype ?? null });
  if (why || !fstype) throw new CliError('unsupported', `cannot mount ${vol.device}: ${why ?? 'unknown filesystem'}`);
  const forcedReadOnly = !opts.readOnly && vol.readOnlyReason !== undefined;
  const readOnly = opts.readOnly || forcedReadOnly;
  // Two loop devices over one btrfs would be two filesystems writing the same blocks: its
  // subvolumes are mounted from the loop device its first mount uses (opts.loop).
  if (opts.loop) return { ...(await mountLoop(vol, fstype, opts.loop, hostDir, { ...opts, readOnly })), ...(forcedReadOnly ? { note: forcedNote(vol) } : {}) };
  const loop = await attachLoop(vol.source, { offset: vol.offset, size: vol.size }, readOnly, opts.stack);
  try {
    const m = await mountLoop(vol, fstype, loop, hostDir, { ...opts, readOnly });
    return forcedReadOnly ? { ...m, note: forcedNote(vol) } : m;
  } catch (err) {
    await opts.stack.release((r) => r.kind === 'loop' && r.device === loop);
    throw err;
  }
}

function forcedNote(vol: Volume): string {
  return `${vol.device} is mounted read-only: ${vol.readOnlyReason}`;
}

async function mountLoop(
  vol: Volume,
  fstype: string,
  loop: string,
  hostDir: string,
  opts: { readOnly: boolean; stack: ResourceStack; fstabOptions?: string[] },
): Promise<MountedVolume> {
  const options = kernelOptions(fstype, opts.readOnly, carriedOptions(fstype, opts.fstabOptions ?? []));
  if (kernelLacks(fstype)) return mountWithFuse(vol, fstype, loop, hostDir, opts);
  // -i: never run a /sbin/mount.TYPE helper; the type comes from the guest's fstab or superblock.
  const r = await runTool('mount', ['-i', '-t', fstype, '-o', options, '--', loop, hostDir]);
  if (r.code === 0) {
    await pushMount(opts.stack, hostDir, loop);
    return { driver: 'kernel', loop, options, readOnly: opts.readOnly };
  }
  if (!/unknown filesystem type|no such device/i.test(r.stderr))
    throw new CliError('failed', `cannot mount ${vol.device} (${fstype}): ${r.stderr.trim()}${featureHint(fstype, vol.source, vol.offset)}`);
  return mountWithFuse(vol, fstype, loop, hostDir, opts);
}

/** GUESTCTL_NO_KERNEL_FS=ext4,xfs pretends the kernel lacks those drivers (to test the fallbacks). */
function kernelLacks(fstype: string): boolean {
  return (process.env.GUESTCTL_NO_KERNEL_FS ?? '').split(',').includes(fstype);
}

async function mountWithFuse(
  vol: Volume,
  fstype: string,
  loop: string,
  hostDir: string,
  opts: { readOnly: boolean; stack: ResourceStack },
): Promise<MountedVolume> {
  const driver = FUSE_DRIVERS[fstype];
  if (!driver)
    throw new CliError('unsupported', `cannot mount ${vol.device} (${fstype}): this kernel has no ${fstype} driver and there is no usable userspace driver`);
  const readOnly = opts.readOnly || !driver.writable;
  const options = readOnly ? 'ro' : 'rw';
  const args = driverArgs(driver.program, loop, hostDir, readOnly);
  const r = await runTool(driver.program, args).catch((err: unknown) => {
    if (err instanceof CliError && err.code === 'missing-tool')
      throw new CliError(
        'unsupported',
        `cannot mount ${vol.device}: this kernel has no ${fstype} driver; install the Debian package ${driver.pkg} for a userspace one`,
      );
    throw err;
  });
  if (r.code !== 0) throw new CliError('failed', `cannot mount ${vol.device} with ${driver.program}: ${r.stderr.trim() || `exit ${r.code}`}`);
  await pushMount(opts.stack, hostDir, loop);
  const note = readOnly && !opts.readOnly ? `${vol.device} (${fstype}) is mounted read-only through ${driver.program}: the kernel has no ${fstype} driver` : undefined;
  return { driver: 'fuse', loop, options, readOnly, note };
}

function driverArgs(program: string, device: string, dir: string, readOnly: boolean): string[] {
  switch (program) {
    case 'fuse2fs':
      return [device, dir, '-o', readOnly ? 'ro' : 'rw', '-o', 'fakeroot'];
    case 'fusefat':
      return readOnly ? ['-o', 'ro', device, dir] : ['-o', 'rw+', device, dir];
    case 'ntfs-3g':
      return [device, dir, '-o', readOnly ? 'ro' : 'rw'];
    default:
      return [device, dir];
  }
}
