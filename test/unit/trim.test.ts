import { describe, expect, it } from 'vitest';
import { parseFstrim } from '../../src/parsers/fstrim.js';
import { chainBlockdevs } from '../../src/image/attach.js';
import { fakeGuest } from '../helpers/fake-guest.js';
import { runLine } from '../helpers/run-command.js';

// trim: fstrim's output as util-linux 2.38 (Debian 12) and 2.39/2.40 (Fedora) print it, the
// storage daemon's discard settings, and the command on a running guest (the agent runs the
// guest's fstrim). test/e2e/trim.test.ts measures a real qcow2 shrinking.

const DEBIAN_AV = `/boot/efi: 505.8 MiB (530345984 bytes) trimmed on /dev/vda15
/: 17.4 GiB (18683002880 bytes) trimmed on /dev/vda1
`;
const FEDORA_AV = `/boot: 666.4 MiB (698789888 bytes) trimmed on /dev/vda3
/home: 7 GiB (7508717568 bytes) trimmed on /dev/vda5
/: 7 GiB (7508717568 bytes) trimmed on /dev/vda5
`;

describe('parseFstrim', () => {
  it('fstrim -av (Debian 12): mount point, bytes, device', () => {
    expect(parseFstrim(DEBIAN_AV)).toEqual([
      { mountpoint: '/boot/efi', bytes: 530345984, device: '/dev/vda15' },
      { mountpoint: '/', bytes: 18683002880, device: '/dev/vda1' },
    ]);
  });
  it('fstrim -av (Fedora, btrfs subvolumes on one device)', () => {
    expect(parseFstrim(FEDORA_AV).map((l) => [l.mountpoint, l.bytes])).toEqual([['/boot', 698789888], ['/home', 7508717568], ['/', 7508717568]]);
  });
  it('fstrim -v on one mount point, and --dry-run', () => {
    expect(parseFstrim('/tmp/guestctl-x/root: 1.9 GiB (2040418304 bytes) trimmed\n')).toEqual([{ mountpoint: '/tmp/guestctl-x/root', bytes: 2040418304, device: null }]);
    expect(parseFstrim('/: 0 B (dry run) trimmed on /dev/vda1\n')).toEqual([{ mountpoint: '/', bytes: null, device: '/dev/vda1' }]);
  });
});

describe('the storage daemon and discards', () => {
  it('with discard, only the writable top layer passes discards down (format and file node)', () => {
    const { args } = chainBlockdevs([{ path: '/i/top.qcow2', format: 'qcow2', virtualSize: 1 }, { path: '/i/base.qcow2', format: 'qcow2', virtualSize: 1 }], false, false, true);
    const nodes = args.filter((a) => a !== '--blockdev').map((a) => JSON.parse(a) as Record<string, unknown>);
    expect(nodes.map((n) => [n['node-name'], n.discard ?? null])).toEqual([['file1', null], ['layer1', null], ['file0', 'unmap'], ['layer0', 'unmap']]);
  });
  it('a read-only session never asks for discards', () => {
    const { args } = chainBlockdevs([{ path: '/i/top.qcow2', format: 'qcow2', virtualSize: 1 }], true, false, true);
    expect(args.join(' ')).not.toContain('discard');
  });
});

describe('trim on a running guest', () => {
  it("runs the guest's fstrim -av and says the host image shrinks only with discard=unmap", async () => {
    const seen: string[][] = [];
    const g = fakeGuest({ kind: 'live', exec: { fstrim: (argv) => (seen.push(argv), { code: 0, stdout: DEBIAN_AV }) } });
    const r = await runLine('trim', { guest: g, json: true });
    expect(r.code).toBe(0);
    expect(seen).toEqual([['fstrim', '-av']]);
    expect(r.data).toMatchObject({ live: true, dryRun: false, images: [], filesystems: [{ mountpoint: '/boot/efi', trimmed: 530345984 }, { mountpoint: '/', trimmed: 18683002880 }] });
    expect(r.stderr).toContain("discard='unmap'");
  });

  it('--dry-run passes --dry-run; a guest without fstrim is one error line', async () => {
    const seen: string[][] = [];
    const g = fakeGuest({ kind: 'live', exec: { fstrim: (argv) => (seen.push(argv), { code: 0, stdout: '/: 0 B (dry run) trimmed on /dev/vda1\n' }) } });
    const r = await runLine('trim --dry-run', { guest: g, json: true });
    expect(seen).toEqual([['fstrim', '-av', '--dry-run']]);
    expect(r.data).toMatchObject({ filesystems: [{ mountpoint: '/', trimmed: null, note: 'would be trimmed' }] });
    const none = await runLine('trim', { guest: fakeGuest({ kind: 'live' }), json: true });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the guest has no fstrim');
  });

  it('a failing fstrim is an error, a partial one (64) a note', async () => {
    const failing = fakeGuest({ kind: 'live', exec: { fstrim: { code: 1, stderr: 'fstrim: /: FITRIM ioctl failed: Operation not permitted\n' } } });
    const r = await runLine('trim', { guest: failing, json: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fstrim -av in the guest: fstrim: /: FITRIM ioctl failed: Operation not permitted');
    const partial = fakeGuest({ kind: 'live', exec: { fstrim: { code: 64, stdout: '/: 1 GiB (1073741824 bytes) trimmed on /dev/vda1\n', stderr: 'fstrim: /boot/efi: the discard operation is not supported\n' } } });
    const p = await runLine('trim', { guest: partial, json: true });
    expect(p.code).toBe(0);
    expect(p.stderr).toContain('guest fstrim: fstrim: /boot/efi: the discard operation is not supported');
  });

  it('a directory session has no image to shrink', async () => {
    const r = await runLine('trim', { guest: fakeGuest({ kind: 'directory' }), json: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a directory has no image to shrink');
  });
});
