import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, resolve as resolveHost } from 'node:path';
import { CliError } from '../util/errors.js';
import { ResourceStack } from '../resources/stack.js';
import { exposeRaw, type RawDisk } from '../image/attach.js';
import { describeChain } from '../image/chain.js';
import { normalizeFormat } from '../image/qemu-img.js';
import { diskDevice, listVolumes, type Volume } from '../image/volumes.js';
import { mountFstab } from '../image/fstab-mounts.js';
import { addCrypttabAliases } from '../image/crypttab-aliases.js';
import { findRoot } from '../image/find-root.js';
import { expandLayers, type LayerContext } from '../image/layers/index.js';
import { LAYERS } from '../image/layers/all.js';
import { inspectOs } from '../inspect/os.js';
import { MountedGuest } from './mounted-guest.js';

export interface OpenOptions {
  readOnly: boolean;
  format?: string;
  /** Keys for LUKS volumes (from --key and the prompt). */
  keyFor?: LayerContext['keyFor'];
  /** --rw-raid: assemble md arrays with the host's md driver. */
  rwRaid?: boolean;
}

/** Open disk images (the disks of one machine, in order) or a directory as a guest. Everything acquired is released on failure. */
export async function openTarget(target: string | string[], opts: OpenOptions): Promise<MountedGuest> {
  const targets = (Array.isArray(target) ? target : [target]).map((t) => ({ given: t, path: resolveHost(t) }));
  if (targets.length === 0) throw new CliError('usage', 'nothing to open');
  const kinds = await Promise.all(targets.map((t) => statTarget(t.given, t.path)));
  if (kinds.includes('directory')) {
    if (targets.length > 1) throw new CliError('usage', 'a directory is opened alone: several targets must all be disk images');
    return openDirectory(targets[0]!.path, opts);
  }
  requireRoot();
  const format = opts.format ? normalizeFormat(opts.format) : undefined;
  return openImages(
    targets.map((t, i) => ({ path: t.path, isDevice: kinds[i] === 'device' })),
    { ...opts, format },
  );
}

async function statTarget(given: string, path: string): Promise<'directory' | 'file' | 'device'> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch {
    throw new CliError('not-found', `no such file or directory: ${given}`);
  }
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  if (st.isBlockDevice()) return 'device';
  throw new CliError('usage', `${given} is neither a disk image nor a directory`);
}

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new CliError('not-root', 'guestctl must run as root to open a disk image: it attaches loop devices and mounts the guest filesystems');
}

async function openDirectory(path: string, opts: OpenOptions): Promise<MountedGuest> {
  const guest = new MountedGuest('directory', basename(path), path, opts.readOnly, null);
  guest.os = await inspectOs(guest.fs);
  if (guest.os.type === 'unknown') {
    guest.notes.push(`no operating system found in ${path}`);
    guest.noOsReasons = [`${path}: no os-release, no \\Windows\\System32, no /bin with an /etc/fstab`];
  }
  return guest;
}

async function openImages(images: { path: string; isDevice: boolean }[], opts: OpenOptions): Promise<MountedGuest> {
  const stack = new ResourceStack(images.map((i) => i.path).join(' '));
  try {
    const workDir = await fsp.mkdtemp(`${tmpdir()}/guestctl-`);
    await fsp.chmod(workDir, 0o700);
    await stack.push({ kind: 'dir', path: workDir });
    const rootDir = `${workDir}/root`;
    await fsp.mkdir(rootDir, { mode: 0o700 });
    await stack.push({ kind: 'dir', path: rootDir });

    const notes: string[] = [];
    const disks: RawDisk[] = [];
    let volumes: Volume[] = [];
    for (const [i, image] of images.entries()) {
      const diskDir = images.length === 1 ? workDir : `${workDir}/disk${i}`;
      if (diskDir !== workDir) {
        await fsp.mkdir(diskDir, { mode: 0o700 });
        await stack.push({ kind: 'dir', path: diskDir });
      }
      const disk = await exposeRaw(image.path, { readOnly: opts.readOnly, format: opts.format, workDir: diskDir, stack, topIsDevice: image.isDevice });
      disks.push(disk);
      volumes.push(...(await listVolumes(disk, i)).volumes);
      const label = images.length > 1 ? `${diskDevice(i)}: ` : '';
      if (disk.chain.length > 1) notes.push(`${label}backing chain: ${describeChain(disk.chain)}`);
    }
    volumes = await expandLayers(volumes, LAYERS, { readOnly: opts.readOnly, workDir, stack, note: (t) => notes.push(t), keyFor: opts.keyFor, rwRaid: opts.rwRaid });

    const name = images.map((i) => basename(i.path)).join(' + ');
    const guest = new MountedGuest('image', name, rootDir, opts.readOnly, {
      disks: images.map((image, i) => ({ path: image.path, device: diskDevice(i), rawPath: disks[i]!.rawPath, format: disks[i]!.format })),
      volumes,
      stack,
    });
    guest.chain = disks.flatMap((d) => d.chain.map((l) => ({ path: l.path, format: l.format })));
    guest.notes.push(...notes);

    const { root, reasons } = await findRoot(guest, volumes, stack);
    if (!root) {
      guest.noOsReasons = reasons;
      guest.notes.push('no operating system found: use `filesystems` and `mount DEVICE DIR` to look around');
      return guest;
    }
    guest.notes.push(...(await addCrypttabAliases(guest.fs, volumes)));
    guest.notes.push(...(await mountFstab(guest, volumes)));
    guest.os = await inspectOs(guest.fs);
    return guest;
  } catch (err) {
    await stack.unwind();
    throw err;
  }
}
