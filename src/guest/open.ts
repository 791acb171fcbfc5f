import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, resolve as resolveHost } from 'node:path';
import { CliError } from '../util/errors.js';
import { ResourceStack } from '../resources/stack.js';
import { exposeRaw } from '../image/attach.js';
import { describeChain } from '../image/chain.js';
import { normalizeFormat } from '../image/qemu-img.js';
import { listVolumes, type Volume } from '../image/volumes.js';
import { mountVolume, whyUnmountable } from '../image/mount-volume.js';
import { mountFstab } from '../image/fstab-mounts.js';
import { inspectOs, looksLikeRoot } from '../inspect/os.js';
import { MountedGuest } from './mounted-guest.js';
import { LocalGuestFs } from './local-fs.js';

export interface OpenOptions {
  readOnly: boolean;
  format?: string;
}

const LINUX_ROOT_TYPES = ['ext4', 'ext3', 'ext2', 'xfs', 'btrfs', 'ntfs'];

/** Open a disk image or a directory as a guest. Everything acquired is released on failure. */
export async function openTarget(target: string, opts: OpenOptions): Promise<MountedGuest> {
  const path = resolveHost(target);
  let st;
  try {
    st = await fsp.stat(path);
  } catch {
    throw new CliError('not-found', `no such file or directory: ${target}`);
  }
  if (st.isDirectory()) return openDirectory(path, opts);
  if (!st.isFile() && !st.isBlockDevice()) throw new CliError('usage', `${target} is neither a disk image nor a directory`);
  requireRoot();
  const format = opts.format ? normalizeFormat(opts.format) : undefined;
  return openImage(path, { ...opts, format, topIsDevice: st.isBlockDevice() });
}

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new CliError('not-root', 'guestctl must run as root to open a disk image: it attaches loop devices and mounts the guest filesystems');
}

async function openDirectory(path: string, opts: OpenOptions): Promise<MountedGuest> {
  const guest = new MountedGuest('directory', basename(path), path, opts.readOnly, null);
  guest.os = await inspectOs(guest.fs);
  if (guest.os.type === 'unknown') guest.notes.push(`no operating system found in ${path}`);
  return guest;
}

async function openImage(path: string, opts: OpenOptions & { topIsDevice: boolean }): Promise<MountedGuest> {
  const stack = new ResourceStack(path);
  try {
    const workDir = await fsp.mkdtemp(`${tmpdir()}/guestctl-`);
    await fsp.chmod(workDir, 0o700);
    await stack.push({ kind: 'dir', path: workDir });
    const rootDir = `${workDir}/root`;
    await fsp.mkdir(rootDir, { mode: 0o700 });
    await stack.push({ kind: 'dir', path: rootDir });

    const disk = await exposeRaw(path, { readOnly: opts.readOnly, format: opts.format, workDir, stack, topIsDevice: opts.topIsDevice });
    const { volumes } = await listVolumes(disk);
    const guest = new MountedGuest('image', basename(path), rootDir, opts.readOnly, { rawPath: disk.rawPath, volumes, stack });
    guest.chain = disk.chain.map((l) => ({ path: l.path, format: l.format }));
    if (disk.chain.length > 1) guest.notes.push(`backing chain: ${describeChain(disk.chain)}`);

    const root = await mountRoot(guest, volumes, disk.rawPath, stack, opts.readOnly);
    if (!root) {
      guest.notes.push('no operating system found: use `filesystems` and `mount DEVICE DIR` to look around');
      return guest;
    }
    const fstabNotes = await mountFstab(guest, volumes);
    guest.notes.push(...fstabNotes);
    guest.os = await inspectOs(guest.fs);
    return guest;
  } catch (err) {
    await stack.unwind();
    throw err;
  }
}

/** Mount each Linux filesystem at the guest root in turn (largest first) until one holds an OS. */
async function mountRoot(
  guest: MountedGuest,
  volumes: Volume[],
  rawPath: string,
  stack: ResourceStack,
  readOnly: boolean,
): Promise<Volume | null> {
  const candidates = volumes
    .filter((v) => v.fstype && LINUX_ROOT_TYPES.includes(v.fstype))
    .sort((a, b) => b.size - a.size);
  for (const vol of volumes) {
    const why = whyUnmountable(vol);
    if (why && vol.fstype && vol.fstype !== 'swap') guest.notes.push(`${vol.device}: ${why}`);
  }
  for (const vol of candidates) {
    let m;
    try {
      m = await mountVolume(vol, guest.root, { rawPath, readOnly, stack });
    } catch (err) {
      guest.notes.push(`${vol.device}: ${(err as Error).message}`);
      continue;
    }
    if (await looksLikeRoot(new LocalGuestFs(guest.root, true))) {
      guest.recordMount({ device: vol.device, mountpoint: '/', fstype: vol.fstype!, options: m.options, driver: m.driver });
      if (m.note) guest.notes.push(m.note);
      return vol;
    }
    // Not the root: it must really come off before the next candidate is tried on the same directory.
    await stack.release((r) => r.kind === 'mount' && r.path === guest.root);
    await stack.release((r) => r.kind === 'loop' && r.offset === vol.offset && r.backing === rawPath);
  }
  return null;
}
