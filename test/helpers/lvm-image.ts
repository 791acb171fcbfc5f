import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A tiny LVM image built with the host's lvm2 with activation off (a private LVM_SYSTEM_DIR and a
// filter that sees only our loop device, so the host's LVM never gets the VG) and filesystems
// written at each LV's offset: MBR, sda1 = PV of VG "test-vg" with LVs root (ext4, /), data
// (ext4, /data by /dev/mapper/test--vg-data), notes (ext4 by LABEL=) and scratch (two segments).

export const LVM_VG = 'test-vg';
const MiB = 1024 * 1024;
const PART_START = MiB;

export interface LvmImage {
  path: string;
  /** LV name -> its byte range in the image (from lvm2's own report). */
  lvs: Record<string, { offset: number; size: number }>;
}

export function buildLvmImage(dir: string): LvmImage {
  const out = execFileSync('bash', [fileURLToPath(new URL('lvm-image.sh', import.meta.url)), dir, String(PART_START), LVM_VG], { encoding: 'utf8' });
  const lvs: LvmImage['lvs'] = {};
  for (const line of out.trim().split('\n')) {
    const [name, offset, size] = line.split(' ');
    lvs[name!] = { offset: Number(offset), size: Number(size) };
  }
  const path = join(dir, 'lvm.raw');
  const root = join(dir, 'tree');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'data'));
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  writeFileSync(join(root, 'etc/hostname'), 'lvm-e2e\n');
  writeFileSync(
    join(root, 'etc/fstab'),
    `/dev/${LVM_VG}/root / ext4 defaults 0 1\n/dev/mapper/test--vg-data /data ext4 defaults 0 2\nLABEL=notes /notes ext4 defaults 0 2\n`,
  );
  const fs = (lv: string, label: string, tree?: string): void => {
    const file = join(dir, `${lv}.ext4`);
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', label, ...(tree ? ['-d', tree] : []), file, `${lvs[lv]!.size / 1024}k`]);
    execFileSync('dd', [`if=${file}`, `of=${path}`, 'bs=1M', `seek=${lvs[lv]!.offset / MiB}`, 'conv=notrunc,sparse', 'status=none']);
  };
  fs('root', 'root', root);
  fs('data', 'data');
  fs('notes', 'notes');
  return { path, lvs };
}

/** A file's contents inside an LV's ext4, read with e2fsprogs' debugfs (not guestctl). */
export function catInLv(image: LvmImage, lv: string, file: string): string {
  const { offset } = image.lvs[lv]!;
  return execFileSync('debugfs', ['-R', `cat ${file}`, `${image.path}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
