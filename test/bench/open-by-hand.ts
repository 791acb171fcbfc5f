import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureInfo } from '../helpers/fixtures.js';

// The bare pipeline that `guestctl interactive --ro IMG -c info` is compared with: what an admin
// does by hand with the offsets known in advance (from the fixture's fixture.json). One
// qemu-storage-daemon FUSE export of the qcow2, one read-only loop device per filesystem at its
// byte offset, each mounted read-only at its place, /etc/os-release read, then everything undone
// (unmount, detach, stop the daemon and wait for it to exit). Timed as one.

/** One filesystem of the guest: where it goes and where its bytes are in the disk. */
export interface Placement {
  mountpoint: string;
  fstype: string;
  offset: number;
  size: number;
}

/**
 * The Debian fixture's ext4 partitions with a mount point (/ and /boot): the ones guestctl mounts
 * here too, as this host's kernel has no vfat driver for /boot/efi.
 */
export function debianPlacements(): Placement[] {
  const info = fixtureInfo('debian') as { partitions: { start: number; size: number; fstype: string; mountpoint: string | null }[] };
  return info.partitions
    .filter((p) => p.mountpoint !== null && p.fstype === 'ext4')
    .map((p) => ({ mountpoint: p.mountpoint!, fstype: p.fstype, offset: p.start, size: p.size }));
}

interface LvmMachine {
  disks: { partitions: { device: string; start: number; size: number; content: string }[] }[];
  mounts: Record<string, string>;
  lvm: { pv: string; name: string; extentSize: number; peStart: number; lvs: Record<string, [number, number][]> }[];
}

/**
 * The lvm-mbr machine of the layouts fixture: each LV in fstab at PV start + pe_start +
 * first extent × extent size (all are one linear segment), /boot at its partition's offset.
 */
export function lvmMbrPlacements(): Placement[] {
  const m = (fixtureInfo('layouts-lvm-mbr') as { machines: Record<string, LvmMachine> }).machines['lvm-mbr']!;
  const partitions = m.disks.flatMap((d) => d.partitions);
  const partition = (device: string) => {
    const p = partitions.find((x) => x.device === device);
    if (!p) throw new Error(`fixture lvm-mbr: no partition ${device}`);
    return p;
  };
  return Object.entries(m.mounts).map(([mountpoint, device]) => {
    const lv = /^\/dev\/([^/]+)\/([^/]+)$/.exec(device);
    const vg = lv && m.lvm.find((g) => g.name === lv[1]);
    if (!vg) {
      const p = partition(device);
      return { mountpoint, fstype: 'ext4', offset: p.start, size: p.size };
    }
    const segments = vg.lvs[lv![2]!];
    if (segments?.length !== 1) throw new Error(`fixture lvm-mbr: ${device} is not one linear segment`);
    const [first, count] = segments[0]!;
    return { mountpoint, fstype: 'ext4', offset: partition(vg.pv).start + vg.peStart + first * vg.extentSize, size: count * vg.extentSize };
  });
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.trim() || r.error?.message}`);
  return r.stdout;
}

/** True while pid runs (a zombie left for init to reap has an empty cmdline and counts as gone). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; running(pid); i++) {
    if (i > 5000) throw new Error(`qemu-storage-daemon ${pid} still running 5 s after SIGTERM`);
    await new Promise((res) => setTimeout(res, 1));
  }
}

/**
 * One open + read + close of `image` by hand, in milliseconds. Each step pushes its undo; on a
 * failure everything done so far is undone and the first error is thrown.
 */
export async function openByHand(image: string, placements: Placement[], dir: string): Promise<number> {
  const undo: (() => Promise<void> | void)[] = [];
  const start = process.hrtime.bigint();
  try {
    const exportPath = join(dir, 'by-hand.raw');
    const pidFile = join(dir, 'by-hand.pid');
    writeFileSync(exportPath, '');
    run('qemu-storage-daemon', [
      '--blockdev', JSON.stringify({ driver: 'qcow2', 'node-name': 'disk', 'read-only': true, file: { driver: 'file', filename: image, 'read-only': true } }),
      '--export', JSON.stringify({ type: 'fuse', id: 'e0', 'node-name': 'disk', mountpoint: exportPath, writable: false }),
      '--daemonize', '--pidfile', pidFile,
    ]);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    undo.push(async () => {
      process.kill(pid, 'SIGTERM');
      await waitForExit(pid);
    });
    const root = join(dir, 'by-hand-root');
    mkdirSync(root, { recursive: true });
    // Parents first: / before /boot before /boot/efi.
    for (const p of [...placements].sort((a, b) => a.mountpoint.length - b.mountpoint.length)) {
      const loop = run('losetup', ['--find', '--show', '--read-only', '--offset', String(p.offset), '--sizelimit', String(p.size), exportPath]).trim();
      undo.push(() => void run('losetup', ['-d', loop]));
      const target = join(root, p.mountpoint);
      run('mount', ['-t', p.fstype, '-o', p.fstype === 'ext4' ? 'ro,noload' : 'ro', loop, target]);
      undo.push(() => void run('umount', [target]));
    }
    const osRelease = readFileSync(join(root, 'etc/os-release'), 'utf8');
    if (!/^ID=/m.test(osRelease)) throw new Error(`by hand: ${root}/etc/os-release has no ID= line`);
  } catch (err) {
    await undoAll(undo, err);
  }
  await undoAll(undo);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function undoAll(undo: (() => Promise<void> | void)[], first?: unknown): Promise<void> {
  const errors: unknown[] = first === undefined ? [] : [first];
  for (const step of undo.splice(0).reverse()) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new Error(`by hand: ${errors.map((e) => (e as Error).message).join('; then ')}`);
}
