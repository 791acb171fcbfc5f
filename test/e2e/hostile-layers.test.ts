import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { fixturePath, workCopy, type FixtureName } from '../helpers/fixtures.js';

// The "hostile-layers" fixture (scripts/fixtures/hostile-layers.sh): LVM metadata and registry
// hives crafted to hurt a tool that trusts them. Each session opens (rw and --ro), names every
// hostile VG, LV and hive in one note line, mounts none of them, and leaves the host as it was:
// no device-mapper device, no /dev/VG directory, no LVM backup or archive file, no loop device or
// mount, no file outside the session's own temp dir, and /etc/shadow never read into the output.

const dir = tempDir('guestctl-hostile-layers-');
const GUEST_VGS = ['rhel', 'farvg', 'hugevg', 'nestvg', 'wrapvg'];

interface HostView {
  guestVgDirs: string[];
  mapper: string[];
  lvmFiles: string[];
  dmsetup: string;
  shadow: string;
}

function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((p) => join(root, p)).sort();
}

function hostView(): HostView {
  const dm = spawnSync('dmsetup', ['ls'], { encoding: 'utf8' });
  return {
    guestVgDirs: GUEST_VGS.filter((vg) => existsSync(`/dev/${vg}`)),
    mapper: existsSync('/dev/mapper') ? readdirSync('/dev/mapper').filter((n) => GUEST_VGS.some((vg) => n.startsWith(`${vg}-`))) : [],
    lvmFiles: [...listTree('/etc/lvm/backup'), ...listTree('/etc/lvm/archive')],
    dmsetup: `${dm.status} ${dm.stdout}`,
    shadow: readFileSync('/etc/shadow', 'utf8'),
  };
}

let before: HostView;
beforeAll(() => {
  before = hostView();
});

afterAll(() => {
  expect(hostView()).toEqual(before);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

interface Run {
  code: number;
  info: any;
  filesystems: any[];
  stderrLines: string[];
  stdout: string;
}

/** `info` and `filesystems` on a fresh copy in a directory of its own, which must hold only the copy afterwards. */
async function open(name: FixtureName, ro: boolean): Promise<Run> {
  const own = join(dir.path, `${name}${ro ? '-ro' : '-rw'}`);
  mkdirSync(own);
  const img = await workCopy(name, own);
  const r = await shell(img, ['info', 'filesystems'], ['--json', ...(ro ? ['--ro'] : [])]);
  expect(leftovers(own)).toEqual([]);
  expect(readdirSync(own)).toEqual([`${name}.raw`]);
  if (name === 'hostile-lvm') {
    // the PVs (everything after the root partition, which ends at 33 MiB) are never written
    const cmp = spawnSync('cmp', ['-i', String(33 * 1024 * 1024), fixturePath(name), img], { encoding: 'utf8' });
    expect(cmp.status, cmp.stdout + cmp.stderr).toBe(0);
  }
  const [info, filesystems] = r.stdout.split(/\n(?=[[{])/).map((v) => JSON.parse(v));
  const rootHash = before.shadow.split('\n').find((l) => l.startsWith('root:'))?.split(':')[1] ?? '';
  if (rootHash.length > 2) expect(r.stdout + r.stderr).not.toContain(rootHash);
  return { code: r.code, info, filesystems, stderrLines: r.stderr.split('\n').filter((l) => l.length > 0), stdout: r.stdout };
}

describe.each([false, true])('hostile layers (--ro: %s)', (ro) => {
  it('hostile LVM: each bad VG or LV named with its reason, none mounted, the sound LV listed', async () => {
    const r = await open('hostile-lvm', ro);
    expect(r.code, r.stderrLines.join('\n')).toBe(0);
    expect(r.stderrLines.every((l) => l.startsWith('note: '))).toBe(true);
    expect(r.info.hostname).toBe('hostile-lvm');
    expect(r.info.mounts.map((m: any) => m.mountpoint)).toEqual(['/']);
    const notes: string[] = r.info.notes;
    for (const expected of [
      'LVM: VG name ".." is not a valid LVM name: its LVs are not listed',
      `/dev/sda5: LVM metadata unreadable: metadata area at 4096: LVM metadata line 1: expected '=' or '{' after ".."`,
      '/dev/sda6: LVM metadata unreadable: metadata area at 4096: LVM metadata line 4: sections nested too deeply',
      '/dev/sda7: LVM metadata unreadable: metadata area at 4096: metadata area: text offset 1110016 is outside the 1044480-byte area',
      'fstab: /dev/evil/.. for /mnt is not on this disk: skipped',
      'fstab: /dev/../../etc/shadow for /data is not on this disk: skipped',
      'fstab: /dev/mapper/x--y for /var is not on this disk: skipped',
      'fstab: /home: cannot mount /dev/rhel/past: LV rhel/past: extents 13+4 run past the 15 extents of pv0',
    ])
      expect(notes).toContain(expected);
    for (const n of notes) expect(r.stderrLines).toContain(`note: ${n}`);

    const overlap = 'LV rhel/overlap2 and LV rhel/overlap1 claim the same extents of pv0 (damaged metadata)';
    const lvs = Object.fromEntries(r.filesystems.filter((f) => f.parent).map((f) => [f.device, f.note ?? null]));
    expect(lvs).toEqual({
      '/dev/rhel/root': null,
      '/dev/rhel/past': 'LV rhel/past: extents 13+4 run past the 15 extents of pv0',
      '/dev/rhel/overlap1': overlap,
      '/dev/rhel/overlap2': overlap,
      '/dev/farvg/beyond': 'PV pv0 (/dev/sda8) claims 100000 extents from sector 2048, past the end of its 8388608-byte volume: LV farvg/beyond is on it',
      '/dev/hugevg/huge': 'LV hugevg/huge: its 9007199254740991 extents overflow any real size (damaged metadata)',
    });
    expect(r.filesystems.filter((f) => f.mountpoint !== null).map((f) => f.device)).toEqual(['/dev/sda1']);
    expect(r.filesystems.map((f) => f.device).filter((d: string) => /^\/dev\/(\.\.|nestvg|wrapvg)\//.test(d))).toEqual([]);
  });

  it('hostile hives: a truncated SOFTWARE is a note, a cyclic SYSTEM ends with no facts', async () => {
    const r = await open('hostile-windows', ro);
    expect(r.code, r.stderrLines.join('\n')).toBe(0);
    expect(r.stderrLines.every((l) => l.startsWith('note: '))).toBe(true);
    expect(r.info).toMatchObject({ type: 'windows', product: 'Windows', hostname: null, arch: null, drives: [] });
    expect(r.info.notes).toHaveLength(1);
    expect(r.info.notes[0]).toMatch(/^reading registry hive \/Windows\/System32\/config\/SOFTWARE: failed to open hive file: the hive: Invalid argument$/);
  });

  it('a hive that is a link to /etc/shadow is resolved in the guest: a note, the host file never read', async () => {
    const r = await open('hostile-windows-link', ro);
    expect(r.code, r.stderrLines.join('\n')).toBe(0);
    expect(r.info.type).toBe('windows');
    expect(r.info.notes).toEqual(['registry hive /Windows/System32/config/SOFTWARE: no such file or directory: /etc']);
    expect(r.stderrLines.every((l) => l.startsWith('note: '))).toBe(true);
  });
});
