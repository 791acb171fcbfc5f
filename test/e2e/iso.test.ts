import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { testDriverUri } from '../helpers/libvirt-test-driver.js';

// `guestctl iso` through the real virsh on libvirt's test driver. The test driver lists
// disks (domblklist) but cannot change media (no virDomainUpdateDeviceFlags): everything up
// to the change is real here (drive choice, ISO checks, errors); the change itself is
// checked on a real qemu domain by the live suite (test/e2e/live-scan-checks.ts).

const dir = tempDir('guestctl-iso-');
const env = { LIBVIRT_DEFAULT_URI: '', LIBVIRT_URI: '' };
let uri: string;
let iso: string;

beforeAll(() => {
  iso = join(dir.path, 'tools.iso');
  writeFileSync(iso, Buffer.alloc(32 << 10));
  uri = testDriverUri(dir.path, 'media', [
    { name: 'web01', disk: '/guest/web01.qcow2', cdroms: [null] },
    { name: 'db01', cdroms: [join(dir.path, 'a.iso'), null] },
    { name: 'bare', disk: '/guest/bare.qcow2' },
    { name: 'full', cdroms: ['/srv/iso/old.iso'] },
    { name: 'off01', state: 5, cdroms: [null] },
  ]);
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const iso_ = (args: string[]) => guestctl(['iso', ...args, '--connect', uri], { env });

describe('guestctl iso list', () => {
  it('the CD-ROM drives and their media', async () => {
    const one = await iso_(['list', '--domain', 'web01']);
    expect([one.code, one.stdout, one.stderr]).toEqual([0, 'TARGET  MEDIUM\nhdc     (empty)\n', '']);
    const two = await iso_(['list', '--domain', 'db01', '--json']);
    expect(JSON.parse(two.stdout)).toEqual([
      { target: 'hdc', type: 'file', source: join(dir.path, 'a.iso') },
      { target: 'hdd', type: 'file', source: null },
    ]);
    const none = await iso_(['list', '--domain', 'bare']);
    expect([none.code, none.stdout]).toEqual([0, 'domain bare has no CD-ROM drive\n']);
  });

  it('test:///default: its domain has a disk and no CD-ROM', async () => {
    const r = await guestctl(['iso', 'list', '--domain', 'test', '--json'], { env: { ...env, LIBVIRT_DEFAULT_URI: 'test:///default' } });
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, []]);
  });
});

describe('guestctl iso insert/eject: errors before anything changes', () => {
  it('a missing ISO file is named with its absolute path, before libvirt is asked', async () => {
    const r = await iso_(['insert', '--domain', 'web01', join(dir.path, 'nope.iso')]);
    expect([r.code, r.stderr]).toEqual([1, `error: no such ISO file on this host: ${join(dir.path, 'nope.iso')}\n`]);
    const rel = await iso_(['insert', '--domain', 'web01', relative(process.cwd(), join(dir.path, 'nope.iso'))]);
    expect(rel.stderr).toBe(`error: no such ISO file on this host: ${join(dir.path, 'nope.iso')}\n`);
    const d = await iso_(['insert', '--domain', 'web01', dir.path]);
    expect([d.code, d.stderr]).toEqual([2, `error: ${dir.path} is a directory, not an ISO file\n`]);
  });

  it('no CD-ROM drive; several without --target; a --target that is a disk or unknown', async () => {
    const bare = await iso_(['insert', '--domain', 'bare', iso]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/^error: domain bare has no CD-ROM drive: add one, e\.g\. virsh attach-disk bare '' sdc --type cdrom/);
    const two = await iso_(['insert', '--domain', 'db01', iso]);
    expect([two.code, two.stderr]).toEqual([2, 'error: domain db01 has 2 CD-ROM drives (hdc, hdd): choose one with --target\n']);
    const disk = await iso_(['eject', '--domain', 'web01', '--target', 'vda']);
    expect([disk.code, disk.stderr]).toEqual([2, 'error: vda of domain web01 is a disk, not a CD-ROM (CD-ROM drives: hdc)\n']);
    const unknown = await iso_(['eject', '--domain', 'web01', '--target', 'hdz']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'error: domain web01 has no drive hdz (CD-ROM drives: hdc)\n']);
  });

  it('an unknown domain, a missing --domain or ISO', async () => {
    const r = await iso_(['list', '--domain', 'nope']);
    expect([r.code, r.stderr]).toEqual([1, `error: no domain named 'nope' on ${uri} (see: virsh list --all)\n`]);
    expect((await iso_(['list'])).stderr).toBe('error: guestctl iso list needs --domain NAME\n');
    const noIso = await iso_(['insert', '--domain', 'web01']);
    expect(noIso.code).toBe(2);
    expect((await iso_(['burn', '--domain', 'web01'])).code).toBe(2);
  });

  it('ejecting an empty drive changes nothing and says so', async () => {
    const r = await iso_(['eject', '--domain', 'web01']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'hdc of web01 is already empty\n', '']);
  });

  it('a driver that cannot change media: a clear error, nothing claimed', async () => {
    for (const args of [
      ['insert', '--domain', 'web01', iso],
      ['insert', '--domain', 'off01', iso],
      ['eject', '--domain', 'full'],
      ['insert', '--domain', 'db01', '--target', 'hdd', iso],
    ]) {
      const r = await iso_(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: cannot change media of \w+: the libvirt driver test:\/\/\S+ does not support this \(virsh change-media: this function is not supported by the connection driver: virDomainUpdateDeviceFlags\)\n$/);
    }
  });
});
