import { describe, expect, it } from 'vitest';
import { describeSpec, parseFstab, parseFstabWithErrors, splitOptions, unescapeOctal } from '../../src/parsers/fstab.js';

const DEBIAN = `# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# systemd generates mount units based on this file, see systemd.mount(5).
# Please run 'systemctl daemon-reload' after making changes here.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/vda1 during installation
UUID=2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44 /               ext4    errors=remount-ro 0       1
# /boot/efi was on /dev/vda15 during installation
UUID=8F3A-1C2D  /boot/efi       vfat    umask=0077      0       1
# swap was on /dev/vda5 during installation
UUID=5b0e2f4c-31d7-4a8e-b6c9-7e1d0a2f3b5c none            swap    sw              0       0
/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
`;

const RHEL = `
#
# /etc/fstab
# Created by anaconda on Tue Nov 14 09:12:33 2023
#
# Accessible filesystems, by reference, are maintained under '/dev/disk/'.
# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info.
#
# After editing this file, run 'systemctl daemon-reload' to update systemd
# units generated from this file.
#
/dev/mapper/rhel-root   /                       xfs     defaults        0 0
UUID=7d5e3f21-0c8a-4b6e-9d1f-2a3b4c5d6e7f /boot                   xfs     defaults        0 0
UUID=1A2B-3C4D          /boot/efi               vfat    umask=0077,shortname=winnt 0 2
/dev/mapper/rhel-home   /home                   xfs     defaults        0 0
/dev/mapper/rhel-swap   none                    swap    defaults        0 0`;

describe('parseFstab', () => {
  it('reads a Debian installer fstab with its comment header', () => {
    const entries = parseFstab(DEBIAN);
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      spec: 'UUID=2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44',
      file: '/',
      vfstype: 'ext4',
      mntops: ['errors=remount-ro'],
      freq: 0,
      passno: 1,
      line: 12,
    });
    expect(entries[2]).toMatchObject({ file: 'none', vfstype: 'swap', mntops: ['sw'], line: 16 });
    expect(entries[3]).toMatchObject({ spec: '/dev/sr0', vfstype: 'udf,iso9660', mntops: ['user', 'noauto'] });
  });

  it('reads a RHEL fstab with LVM /dev/mapper lines and no trailing newline', () => {
    const entries = parseFstab(RHEL);
    expect(entries.map((e) => [e.spec, e.file, e.vfstype, e.line])).toEqual([
      ['/dev/mapper/rhel-root', '/', 'xfs', 12],
      ['UUID=7d5e3f21-0c8a-4b6e-9d1f-2a3b4c5d6e7f', '/boot', 'xfs', 13],
      ['UUID=1A2B-3C4D', '/boot/efi', 'vfat', 14],
      ['/dev/mapper/rhel-home', '/home', 'xfs', 15],
      ['/dev/mapper/rhel-swap', 'none', 'swap', 16],
    ]);
    expect(entries[2]!.mntops).toEqual(['umask=0077', 'shortname=winnt']);
    expect(entries[2]!.passno).toBe(2);
  });

  it('handles tabs, CRLF, missing optional fields, nfs, tmpfs, bind mounts and escapes', () => {
    const text = [
      'LABEL=root\t/\text4\tdefaults,noatime\t0\t1\r',
      '   # indented comment\r',
      '\t\r',
      'nas.example.lan:/export/home\t/home\tnfs4\trw,hard,_netdev,x-systemd.automount\t0 0',
      'tmpfs /tmp tmpfs mode=1777,strictatime,nosuid,nodev,size=50%,nr_inodes=1m',
      '/srv/data/www  /var/www   none   bind,x-systemd.requires=/srv/data',
      '/dev/disk/by-label/Data\\x20Disk /mnt/My\\040Files ntfs-3g uid=1000,gid=1000,windows_names 0 0',
      '//fileserver/Team\\040Share /mnt/team cifs credentials=/etc/samba/team.cred,iocharset=utf8 0 0',
      'proc /proc proc',
      'PARTUUID=6c1e4f2a-03 /data btrfs subvol=@data,compress=zstd:3,context="system_u:object_r:var_t:s0,c12" 0 0',
    ].join('\n');
    const entries = parseFstab(text);
    expect(entries.map((e) => e.line)).toEqual([1, 4, 5, 6, 7, 8, 9, 10]);
    expect(entries[0]).toMatchObject({ spec: 'LABEL=root', mntops: ['defaults', 'noatime'], passno: 1 });
    expect(entries[1]).toMatchObject({ vfstype: 'nfs4', mntops: ['rw', 'hard', '_netdev', 'x-systemd.automount'] });
    expect(entries[2]).toMatchObject({ spec: 'tmpfs', freq: 0, passno: 0 });
    expect(entries[2]!.mntops).toContain('size=50%');
    expect(entries[3]).toMatchObject({ spec: '/srv/data/www', file: '/var/www', vfstype: 'none', mntops: ['bind', 'x-systemd.requires=/srv/data'] });
    expect(entries[4]).toMatchObject({ spec: '/dev/disk/by-label/Data\\x20Disk', file: '/mnt/My Files' });
    expect(entries[5]!.spec).toBe('//fileserver/Team Share');
    expect(entries[6]).toMatchObject({ spec: 'proc', vfstype: 'proc', mntops: ['defaults'], freq: 0, passno: 0 });
    expect(entries[7]!.mntops).toEqual(['subvol=@data', 'compress=zstd:3', 'context="system_u:object_r:var_t:s0,c12"']);
  });

  it('reports malformed lines and skips them', () => {
    const { entries, errors } = parseFstabWithErrors('/dev/sda1 /\n/dev/sda2 /home ext4 defaults x 2\n/dev/sda3 /srv xfs defaults 0 2\na b c d 0 0 extra\n');
    expect(entries.map((e) => e.spec)).toEqual(['/dev/sda3']);
    expect(errors).toEqual([
      { line: 1, message: 'expected at least 3 fields (spec, mount point, type), found 2' },
      { line: 2, message: "dump frequency must be a number, not 'x'" },
      { line: 4, message: 'expected at most 6 fields, found 7' },
    ]);
  });

  it('returns nothing for empty or comment-only text', () => {
    expect(parseFstab('')).toEqual([]);
    expect(parseFstab('# nothing here\n\n')).toEqual([]);
  });
});

describe('escapes and options', () => {
  it.each([
    ['/mnt/My\\040Files', '/mnt/My Files'],
    ['tab\\011here', 'tab\there'],
    ['back\\134slash', 'back\\slash'],
    ['caf\\303\\251', 'café'],
    ['not\\8escape', 'not\\8escape'],
    ['trailing\\04', 'trailing\\04'],
  ])('unescapeOctal(%j) = %j', (input, out) => expect(unescapeOctal(input)).toBe(out));

  it('splits options on commas outside quotes and drops empty ones', () => {
    expect(splitOptions('rw,,noatime,')).toEqual(['rw', 'noatime']);
    expect(splitOptions('context="a,b",ro')).toEqual(['context="a,b"', 'ro']);
  });
});

describe('describeSpec', () => {
  it.each([
    ['UUID=2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44', 'uuid', '2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44'],
    ['UUID="8F3A-1C2D"', 'uuid', '8F3A-1C2D'],
    ['LABEL=root', 'label', 'root'],
    ['LABEL=my=label', 'label', 'my=label'],
    ['PARTUUID=6c1e4f2a-03', 'partuuid', '6c1e4f2a-03'],
    ['PARTLABEL=EFI System Partition', 'partlabel', 'EFI System Partition'],
    ['/dev/disk/by-uuid/2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44', 'uuid', '2c1b7a36-7f0e-4c9e-9f52-0d6f2b1a8e44'],
    ['/dev/disk/by-label/Data\\x20Disk', 'label', 'Data Disk'],
    ['/dev/disk/by-label/a\\x2fb', 'label', 'a/b'],
    ['/dev/disk/by-partuuid/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'partuuid', '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
    ['/dev/disk/by-partlabel/root', 'partlabel', 'root'],
    ['/dev/disk/by-id/virtio-disk0-part1', 'device', '/dev/disk/by-id/virtio-disk0-part1'],
    ['/dev/sda1', 'device', '/dev/sda1'],
    ['/dev/mapper/rhel-root', 'device', '/dev/mapper/rhel-root'],
    ['/dev/vg0/lv_var', 'device', '/dev/vg0/lv_var'],
    ['tmpfs', 'other', 'tmpfs'],
    ['nas:/export', 'other', 'nas:/export'],
    ['//server/share', 'other', '//server/share'],
    ['uuid=lowercase-tag', 'other', 'uuid=lowercase-tag'],
    ['ID=virtio-disk0', 'other', 'ID=virtio-disk0'],
  ])('%s → %s %s', (spec, kind, value) => expect(describeSpec(spec)).toEqual({ kind, value }));
});
