import { createHash } from 'node:crypto';
import { dir, fakeGuest, file, link, type FakeGuestSpec } from '../../helpers/fake-guest.js';

// The parts of the "synthetic" fixture image (scripts/fixtures/synthetic.sh, busybox-root.sh)
// that the command tests read, as a fake guest: same names, owners, modes and contents.

export const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
alice:x:1000:1000:Alice:/home/alice:/bin/sh
`;

export const GROUP = `root:x:0:
daemon:x:1:
staff:x:50:alice
users:x:100:
alice:x:1000:
nogroup:x:65534:
`;

export const APP_CONF = '# synthetic application config\nlisten = 0.0.0.0:8080\nworkers = 4\nlog_level = info\n';

/** 3 MiB of reproducible bytes that are not UTF-8 (the fixture's /etc/big/blob.bin). */
export const BLOB = (() => {
  const parts: Buffer[] = [];
  let block = createHash('sha256').update('guestctl-synthetic-blob-v1').digest();
  for (let size = 0; size < 3 << 20; size += block.length) {
    parts.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(parts).subarray(0, 3 << 20);
})();

export function syntheticSpec(): FakeGuestSpec {
  return {
    name: 'synthetic.raw',
    os: { type: 'linux', distro: 'synth', version: '1.0', product: 'Synthetic Linux 1.0', hostname: 'synth-host', initSystem: 'busybox' },
    files: {
      '/bin/busybox': file('\x7fELF busybox', { mode: 0o755 }),
      '/bin/sh': link('busybox'),
      '/etc/os-release': 'NAME="Synthetic Linux"\nID=synth\nVERSION_ID=1.0\nPRETTY_NAME="Synthetic Linux 1.0"\n',
      '/etc/hostname': 'synth-host\n',
      '/etc/hosts': '127.0.0.1\tlocalhost\n127.0.1.1\tsynth-host\n',
      '/etc/passwd': PASSWD,
      '/etc/group': GROUP,
      '/etc/shadow': file('root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n', { mode: 0o640 }),
      '/etc/fstab': 'LABEL=synthroot  /      ext4  defaults 0 1\nLABEL=synthdata  /data  ext4  defaults 0 2\n',
      '/etc/app.conf': APP_CONF,
      '/etc/resolv.conf': 'nameserver 10.0.2.3\n',
      '/etc/conf.d/network.conf': 'iface=eth0\nmode=dhcp\n',
      '/etc/conf.d/sshd.conf': 'port=22\npermit_root_login=no\n',
      '/etc/conf.d/cron.conf': '# empty schedule\n',
      '/etc/big/blob.bin': BLOB,
      '/home/alice': dir({ uid: 1000, gid: 1000 }),
      '/home/alice/notes.txt': file('hello from alice\n', { uid: 1000, gid: 1000 }),
      '/root': dir({ mode: 0o700 }),
      '/tmp': dir({ mode: 0o1777 }),
      '/data/hello.txt': 'data partition\n',
      '/data/sub/deep.txt': 'deep file\n',
    },
  };
}

export const syntheticGuest = (extra: Partial<FakeGuestSpec> = {}) => {
  const spec = syntheticSpec();
  return fakeGuest({ ...spec, ...extra, files: { ...spec.files, ...extra.files } });
};
