import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';

// The "windows" fixture (scripts/fixtures/windows.sh): Windows Server 2019 on NTFS (ntfs-3g),
// facts from its SOFTWARE and SYSTEM hives, C: from MountedDevices, a CRLF hosts file.

const dir = tempDir('guestctl-windows-');
let image = '';
const HOSTS = 'C:\\Windows\\System32\\drivers\\etc\\hosts';

beforeAll(async () => {
  image = await workCopy('windows', dir.path);
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** The hosts file as the host's own NTFS tool reads it from the image (outside guestctl). */
function hostsFromOutside(): string {
  const start = fixtureInfo('windows').partitions[0].start as number;
  const loop = execFileSync('losetup', ['--find', '--show', '--read-only', '--offset', String(start), image], { encoding: 'utf8' }).trim();
  try {
    return execFileSync('ntfscat', [loop, '/Windows/System32/drivers/etc/hosts'], { encoding: 'latin1' });
  } finally {
    execFileSync('losetup', ['-d', loop]);
  }
}

describe('a Windows guest', () => {
  it('info: the facts from the registry, and C: on /dev/sda1', async () => {
    const r = await shell(image, ['info'], ['--ro', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      type: 'windows',
      distro: 'windows',
      product: 'Windows Server 2019 Standard',
      edition: 'ServerStandard',
      version: '10.0',
      build: '17763',
      hostname: 'WIN-GUESTCTL',
      arch: 'x86_64',
      installDate: '2019-03-14T09:13:16.000Z',
      systemDrive: 'C:',
      notes: [],
    });
    expect(info.drives).toEqual([{ letter: 'C:', device: '/dev/sda1', mbrSignature: '5ca1ab1e', offset: 1048576 }]);
    expect(info.mounts).toEqual([{ device: '/dev/sda1', mountpoint: '/', fstype: 'ntfs', options: 'ro' }]);
  });

  it('cat takes a C:\\ path, any case', async () => {
    const r = await shell(image, [`cat '${HOSTS}'`, "cat 'c:\\WINDOWS\\system32\\DRIVERS\\ETC\\HOSTS'"], ['--ro']);
    expect(r.stderr).toBe('');
    const once = '# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n127.0.0.1       localhost\r\n::1             localhost\r\n';
    expect(r.stdout).toBe(once + once);
  });

  it('a write survives reopening, with CRLF kept', async () => {
    const w = await shell(image, [`write --append '${HOSTS}' '10.0.0.5        db.example\\n'`]);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const outside = hostsFromOutside();
    expect(outside.endsWith('::1             localhost\r\n10.0.0.5        db.example\r\n')).toBe(true);
    expect(outside.replace(/\r\n/g, '')).not.toContain('\n');
    const again = await shell(image, [`cat '${HOSTS}'`], ['--ro']);
    expect(again.stdout).toBe(outside);
  });

  it('Linux-only commands are refused with that reason', async () => {
    const r = await shell(image, ['adduser x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: adduser is for Linux guests; this guest is Windows\n');
  });
});
