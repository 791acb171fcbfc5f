import { describe, expect, it } from 'vitest';
import { mountSourceAt } from '../../src/parsers/mountinfo.js';

// Lines as a Debian 12 host's /proc/self/mountinfo shows a guestctl session (loop-mounted
// ext4, a btrfs subvolume, the storage daemon's FUSE export, a path with a blank).
const MOUNTINFO = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
  '120 22 0:50 / /tmp/guestctl-AbC/disk.raw rw,nosuid,nodev,relatime shared:60 - fuse /dev/fuse rw,user_id=0,group_id=0',
  '130 22 7:0 / /tmp/guestctl-AbC/root ro,nosuid,nodev,relatime shared:70 - ext4 /dev/loop0 ro,noload',
  '131 130 7:1 /@home /tmp/guestctl-AbC/root/home ro,nosuid,nodev shared:71 - btrfs /dev/loop1 ro,rescue=nologreplay,subvol=/@home',
  '132 22 7:2 / /tmp/with\\040blank rw,relatime - ext4 /dev/loop2 rw',
  '133 130 7:3 / /tmp/guestctl-AbC/root rw,nosuid,nodev shared:72 - xfs /dev/loop3 rw',
  '',
].join('\n');

describe('mountSourceAt', () => {
  it('names the source as findmnt does, the topmost mount on a path winning', () => {
    expect(mountSourceAt(MOUNTINFO, '/tmp/guestctl-AbC/disk.raw')).toBe('/dev/fuse');
    expect(mountSourceAt(MOUNTINFO, '/tmp/guestctl-AbC/root')).toBe('/dev/loop3');
    expect(mountSourceAt(MOUNTINFO, '/tmp/guestctl-AbC/root/home')).toBe('/dev/loop1[/@home]');
    expect(mountSourceAt(MOUNTINFO, '/tmp/with blank')).toBe('/dev/loop2');
  });

  it('nothing mounted: null; a parent of a mount point is not that mount', () => {
    expect(mountSourceAt(MOUNTINFO, '/tmp/guestctl-AbC')).toBeNull();
    expect(mountSourceAt(MOUNTINFO, '/tmp/guestctl-AbC/root/ho')).toBeNull();
    expect(mountSourceAt('', '/')).toBeNull();
  });
});
