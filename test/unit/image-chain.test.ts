import { afterEach, describe, expect, it } from 'vitest';
import { chainBlockdevs } from '../../src/image/attach.js';
import { refusedName } from '../../src/image/chain.js';
import { refusedType } from '../../src/image/fstab-mounts.js';
import { stateDir } from '../../src/resources/state-dir.js';

describe('names an image may record for its backing file', () => {
  it.each([
    ['base.qcow2', null],
    ['../images/base.qcow2', null],
    ['/var/lib/libvirt/images/base.qcow2', null],
    ['./odd:name.qcow2', null],
    ['json:{"driver":"raw"}', 'a json: specification'],
    ['nbd://127.0.0.1:10809/x', 'a nbd: URL'],
    ['nbd:unix:/run/nbd.sock', 'a nbd: URL'],
    ['https://example.com/disk.img', 'a https: URL'],
    ['ssh://host/disk', 'a ssh: URL'],
    ['iscsi://target/iqn/0', 'a iscsi: URL'],
    ['file:/dev/sda', 'a file: URL'],
  ])('%s', (name, why) => {
    expect(refusedName(name)).toBe(why);
  });
});

describe('fstab types', () => {
  it.each([
    ['ext4', null],
    ['auto', null],
    ['vfat', null],
    ['fuse.sshfs', 'fuse.sshfs is a network or helper filesystem'],
    ['fuse', 'fuse is a network or helper filesystem'],
    ['smb3', 'smb3 is a network or helper filesystem'],
    ['cifs', 'cifs is a network or helper filesystem'],
    ['nfs', 'nfs is a network or helper filesystem'],
    ['sshfs', 'sshfs is a network or helper filesystem'],
    ['ecryptfs', 'ecryptfs is not a filesystem type guestctl mounts'],
  ])('%s', (type, why) => {
    expect(refusedType(type)).toBe(why);
  });
});

describe('the blockdev chain handed to qemu-storage-daemon', () => {
  it('one file node and one format node per checked layer, backing null at the bottom', () => {
    const { args, top } = chainBlockdevs(
      [
        { path: '/i/top.qcow2', format: 'qcow2', virtualSize: 1 },
        { path: '/i/base.raw', format: 'raw', virtualSize: 1 },
      ],
      false,
      false,
    );
    expect(top).toBe('layer0');
    const nodes = args.filter((a) => a !== '--blockdev').map((a) => JSON.parse(a));
    expect(nodes).toEqual([
      { driver: 'file', 'node-name': 'file1', filename: '/i/base.raw', 'read-only': true },
      { driver: 'raw', 'node-name': 'layer1', file: 'file1', 'read-only': true },
      { driver: 'file', 'node-name': 'file0', filename: '/i/top.qcow2', 'read-only': false },
      { driver: 'qcow2', 'node-name': 'layer0', file: 'file0', 'read-only': false, backing: 'layer1' },
    ]);
  });

  it('a lone qcow2 gets backing null (QEMU opens nothing the header names); --ro shares locks', () => {
    const { args } = chainBlockdevs([{ path: '/dev/sdz', format: 'qcow2', virtualSize: 1 }], true, true);
    const nodes = args.filter((a) => a !== '--blockdev').map((a) => JSON.parse(a));
    expect(nodes).toEqual([
      { driver: 'host_device', 'node-name': 'file0', filename: '/dev/sdz', 'read-only': true, 'force-share': true },
      { driver: 'qcow2', 'node-name': 'layer0', file: 'file0', 'read-only': true, 'force-share': true, backing: null },
    ]);
  });
});

describe('the state directory', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('root uses /run/guestctl whatever XDG_RUNTIME_DIR says; GUESTCTL_STATE_DIR overrides', () => {
    if (process.getuid?.() !== 0) return;
    delete process.env.GUESTCTL_STATE_DIR;
    process.env.XDG_RUNTIME_DIR = '/run/user/1000';
    expect(stateDir()).toBe('/run/guestctl');
    process.env.GUESTCTL_STATE_DIR = '/tmp/x';
    expect(stateDir()).toBe('/tmp/x');
  });
});
