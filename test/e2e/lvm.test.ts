import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { buildLvmImage, catInLv, type LvmImage } from '../helpers/lvm-image.js';

// An image whose root, /data and /notes are LVs (fstab by /dev/VG/LV, /dev/mapper/VG-LV and
// LABEL=), read from the PV in userspace and attached by loop offset; the two-segment LV is
// listed with the reason it cannot be opened (this host has no device-mapper).

const dir = tempDir('guestctl-lvm-');
let image: LvmImage;

beforeAll(() => {
  image = buildLvmImage(dir.path);
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

function jsonValues(stdout: string): unknown[] {
  return stdout
    .split(/\n(?=[[{])/)
    .filter((s) => s.trim())
    .map((s) => JSON.parse(s));
}

describe('LVM on MBR', () => {
  it('info and mounts show / and the other LVs mounted, the two-segment LV named as unusable', async () => {
    const r = await shell(image.path, ['info', 'mounts', 'filesystems'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [info, mounts, filesystems] = jsonValues(r.stdout) as [any, any[], any[]];
    expect(info).toMatchObject({ type: 'linux', distro: 'debian', hostname: 'lvm-e2e' });
    expect(mounts.map((m) => [m.device, m.mountpoint])).toEqual(
      expect.arrayContaining([
        ['/dev/test-vg/root', '/'],
        ['/dev/test-vg/data', '/data'],
        ['/dev/test-vg/notes', '/notes'],
      ]),
    );
    const scratch = filesystems.find((f) => f.device === '/dev/test-vg/scratch');
    expect(scratch).toMatchObject({ parent: '/dev/sda1', aliases: ['/dev/mapper/test--vg-scratch'] });
    expect(scratch.note).toMatch(/LV test-vg\/scratch has 2 segments: opening it needs device-mapper/);
    expect(filesystems.find((f) => f.device === '/dev/test-vg/data')).toMatchObject({ fstype: 'ext4', label: 'data', parent: '/dev/sda1', mountpoint: '/data' });
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('a write to an LV survives reopening and lands inside that LV', async () => {
    const w = await shell(image.path, ['write /data/hello.txt "hello from lvm"']);
    expect(w.code, w.stderr).toBe(0);
    expect(catInLv(image, 'data', '/hello.txt')).toBe('hello from lvm');
    const r = await shell(image.path, ['cat /data/hello.txt'], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hello from lvm');
    expect(leftovers(dir.path)).toEqual([]);
  });
});
