import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FakeGuest } from '../../helpers/fake-guest.js';
import { fails, json, ok, session } from './_session.js';

// The system-cleanup commands on fake guests: clean-kernels' choice (newest, default, running,
// metapackages, --keep) and the steps it runs per package manager; sysprep --list and its refusal
// on a running guest; clean-temp's age on a running guest; clean-cache's command per manager.
// test/e2e/cleanup.test.ts and clean-kernels.test.ts run them on the Debian fixture.

const stanza = (name: string, version: string, kib = 1000, status = 'install ok installed') =>
  `Package: ${name}\nStatus: ${status}\nArchitecture: amd64\nVersion: ${version}\nInstalled-Size: ${kib}\nDescription: ${name}\n`;

const DPKG_STATUS = [
  stanza('linux-image-6.1.0-13-amd64', '6.1.55-1', 400_000),
  stanza('linux-headers-6.1.0-13-amd64', '6.1.55-1', 20_000),
  stanza('linux-image-6.1.0-18-amd64', '6.1.76-1', 400_000),
  stanza('linux-image-6.1.0-21-amd64', '6.1.90-1', 400_000),
  stanza('linux-image-6.1.0-9-amd64', '6.1.27-1', 400_000, 'deinstall ok config-files'),
  stanza('linux-image-amd64', '6.1.90-1', 1),
  stanza('linux-headers-amd64', '6.1.90-1', 1),
  stanza('bash', '5.2.15-2+b2', 7000),
].join('\n');

/** A Debian guest whose apt-get simulates and purges by editing the status file. */
function debian(opts: { vmlinuz?: string; kind?: 'image' | 'live'; uname?: string; alsoRemoves?: string } = {}): FakeGuest {
  const files: Record<string, ReturnType<typeof file> | ReturnType<typeof dir> | ReturnType<typeof link>> = {
    '/var/lib/dpkg/status': file(DPKG_STATUS),
    '/boot': dir(),
  };
  if (opts.vmlinuz) files['/vmlinuz'] = link(`boot/vmlinuz-${opts.vmlinuz}`);
  return fakeGuest({
    kind: opts.kind ?? 'image',
    os: { distro: 'debian', packageFormat: 'deb', packageManager: 'apt' },
    files,
    exec: {
      uname: { stdout: `${opts.uname ?? ''}\n` },
      'apt-get': (argv, _o, g) => {
        const pkgs = argv.slice(argv.indexOf('--') + 1);
        if (argv[1] === '-s') return { stdout: [...pkgs, ...(opts.alsoRemoves ? [opts.alsoRemoves] : [])].map((p) => `Purg ${p} [1]\nRemv ${p} [1]`).join('\n') };
        const left = g.text('/var/lib/dpkg/status').split('\n\n').filter((s) => !pkgs.some((p) => s.startsWith(`Package: ${p}\n`)));
        g.add('/var/lib/dpkg/status', left.join('\n\n'));
        return {};
      },
    },
  });
}

const releases = (r: { removed: { release: string }[] }) => r.removed.map((k) => k.release);

describe('clean-kernels', () => {
  it('default --keep 2: the two newest stay; the default (/vmlinuz) stays too; metapackages and config-files entries are never kernels', async () => {
    const r = await json(debian({ vmlinuz: '6.1.0-13-amd64' }), 'clean-kernels --dry-run');
    expect(r.kept).toEqual([
      { release: '6.1.0-21-amd64', reasons: ['newest'] },
      { release: '6.1.0-18-amd64', reasons: ['newest'] },
      { release: '6.1.0-13-amd64', reasons: ['default'] },
    ]);
    expect(r.removed).toEqual([]);
  });

  it('--keep 1 with the default on an old kernel: only the one in between goes', async () => {
    const r = await json(debian({ vmlinuz: '6.1.0-13-amd64' }), 'clean-kernels --dry-run --keep 1');
    expect(releases(r)).toEqual(['6.1.0-18-amd64']);
    expect(r.commands).toEqual(['apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold purge -- linux-image-6.1.0-18-amd64']);
  });

  it('--keep 1, default on the newest: the older ones go with their headers, sizes from Installed-Size', async () => {
    const r = await json(debian({ vmlinuz: '6.1.0-21-amd64' }), 'clean-kernels --dry-run --keep 1');
    expect(r.removed).toEqual([
      { release: '6.1.0-18-amd64', packages: ['linux-image-6.1.0-18-amd64'], version: '6.1.76-1', size: 400_000 * 1024 },
      { release: '6.1.0-13-amd64', packages: ['linux-image-6.1.0-13-amd64', 'linux-headers-6.1.0-13-amd64'], version: '6.1.55-1', size: 420_000 * 1024 },
    ]);
    expect(r.listedBytes).toBe(820_000 * 1024);
  });

  it('--keep 3 keeps all three; --keep 0 is a usage error', async () => {
    expect((await json(debian(), 'clean-kernels --dry-run --keep 3')).removed).toEqual([]);
    expect(await fails(debian(), 'clean-kernels --keep 0')).toMatch(/--keep must be a whole number from 1/);
  });

  it('GRUB_DEFAULT=saved naming an old kernel protects it', async () => {
    const g = debian();
    g.add('/etc/default/grub', 'GRUB_DEFAULT=saved\n');
    g.add('/boot/grub/grubenv', 'saved_entry=gnulinux-advanced-0b3c>gnulinux-6.1.0-13-amd64-advanced-0b3c\n');
    expect(releases(await json(g, 'clean-kernels --dry-run --keep 1'))).toEqual(['6.1.0-18-amd64']);
  });

  it('a running guest keeps its running kernel (uname -r)', async () => {
    const r = await json(debian({ kind: 'live', uname: '6.1.0-18-amd64', vmlinuz: '6.1.0-21-amd64' }), 'clean-kernels --dry-run --keep 1');
    expect(r.kept).toEqual([
      { release: '6.1.0-21-amd64', reasons: ['newest', 'default'] },
      { release: '6.1.0-18-amd64', reasons: ['running'] },
    ]);
    expect(releases(r)).toEqual(['6.1.0-13-amd64']);
  });

  it('purges with apt-get after a simulation, and checks the packages are gone', async () => {
    const g = debian({ vmlinuz: '6.1.0-21-amd64' });
    const r = await json(g, 'clean-kernels --keep 2');
    expect(releases(r)).toEqual(['6.1.0-13-amd64']);
    expect(g.execCalls.filter((c) => c.argv[0] === 'apt-get').map((c) => c.argv.filter((a) => !a.startsWith('Dpkg::') && a !== '-o').join(' '))).toEqual([
      'apt-get -s purge -- linux-image-6.1.0-13-amd64 linux-headers-6.1.0-13-amd64',
      'apt-get -y purge -- linux-image-6.1.0-13-amd64 linux-headers-6.1.0-13-amd64',
    ]);
    expect(g.text('/var/lib/dpkg/status')).not.toMatch(/6\.1\.0-13/);
    expect(g.text('/var/lib/dpkg/status')).toMatch(/^Package: linux-image-amd64$/m);
  });

  it('refused, nothing purged, when apt would also remove another package', async () => {
    const g = debian({ vmlinuz: '6.1.0-21-amd64', alsoRemoves: 'nvidia-kernel-6.1.0-13-amd64' });
    expect(await fails(g, 'clean-kernels')).toMatch(/would also remove nvidia-kernel-6\.1\.0-13-amd64; nothing was changed/);
    expect(g.execCalls.filter((c) => c.argv[0] === 'apt-get' && c.argv.includes('-y'))).toEqual([]);
    expect(g.text('/var/lib/dpkg/status')).toMatch(/6\.1\.0-13/);
  });

  it('dnf guests: kernel-core, kernel-modules* and kernel-devel of a release, by full name; grubenv saved_entry protects', async () => {
    const rows = [
      ['kernel-core', '5.14.0', '362.8.1.el9_3', '60000000'],
      ['kernel-modules', '5.14.0', '362.8.1.el9_3', '30000000'],
      ['kernel-modules-core', '5.14.0', '362.8.1.el9_3', '20000000'],
      ['kernel', '5.14.0', '362.8.1.el9_3', '0'],
      ['kernel-core', '5.14.0', '427.13.1.el9_4', '60000000'],
      ['kernel-core', '5.14.0', '70.13.1.el9_0', '50000000'],
      ['kernel-devel', '5.14.0', '70.13.1.el9_0', '70000000'],
      ['kernel-core', '5.14.0', '284.11.1.el9_2', '50000000'],
      ['kernel-tools', '5.14.0', '427.13.1.el9_4', '100'],
    ];
    const g = fakeGuest({
      os: { distro: 'rocky', packageFormat: 'rpm', packageManager: 'dnf' },
      files: { '/etc/default/grub': 'GRUB_DEFAULT=saved\n', '/boot/grub2/grubenv': 'saved_entry=0a1b-5.14.0-284.11.1.el9_2.x86_64\n' },
      exec: { rpm: { stdout: rows.map((r) => `${r[0]}\t${r[1]}\t${r[2]}\tx86_64\t${r[3]}\n`).join('') } },
    });
    const r = await json(g, 'clean-kernels --dry-run --keep 2');
    expect(r.kept.map((k: { release: string }) => k.release)).toEqual(['5.14.0-427.13.1.el9_4.x86_64', '5.14.0-362.8.1.el9_3.x86_64', '5.14.0-284.11.1.el9_2.x86_64']);
    expect(r.removed).toEqual([{ release: '5.14.0-70.13.1.el9_0.x86_64', packages: ['kernel-core-5.14.0-70.13.1.el9_0.x86_64', 'kernel-devel-5.14.0-70.13.1.el9_0.x86_64'], version: '5.14.0-70.13.1.el9_0', size: 120_000_000 }]);
    expect(r.commands).toEqual(['dnf -y remove -- kernel-core-5.14.0-70.13.1.el9_0.x86_64 kernel-devel-5.14.0-70.13.1.el9_0.x86_64']);
    const one = await json(g, 'clean-kernels --dry-run --keep 1');
    expect(one.removed[0].packages).toEqual(['kernel-core-5.14.0-362.8.1.el9_3.x86_64', 'kernel-modules-5.14.0-362.8.1.el9_3.x86_64', 'kernel-modules-core-5.14.0-362.8.1.el9_3.x86_64', 'kernel-5.14.0-362.8.1.el9_3.x86_64']);
  });

  it('other package managers: one line, not supported yet', async () => {
    const g = fakeGuest({ os: { distro: 'opensuse-leap', packageFormat: 'rpm', packageManager: 'zypper' } });
    expect(await fails(g, 'clean-kernels --dry-run')).toBe('error: clean-kernels: not supported yet on zypper guests (apt, dnf and yum guests only)');
  });
});

describe('sysprep', () => {
  it('--list prints every operation with its default, in order', async () => {
    const r = await ok(fakeGuest(), ['sysprep --list']);
    const rows = r.stdout.split('\n').filter(Boolean);
    expect(rows[0]).toMatch(/^OPERATION\s+DEFAULT\s+WHAT IT DOES$/);
    const defaults = Object.fromEntries(rows.slice(1).map((l) => l.split(/\s+/).slice(0, 2)));
    expect(defaults).toEqual({
      'machine-id': 'yes', 'ssh-hostkeys': 'yes', logfiles: 'yes', 'bash-history': 'yes', 'dhcp-client-state': 'yes', 'udev-persistent-net': 'yes',
      'net-nm-identity': 'yes', 'random-seed': 'yes', 'package-manager-cache': 'yes', 'tmp-files': 'yes', 'mail-spool': 'yes', 'cron-spool': 'no', 'user-account': 'no',
    });
    expect(r.stdout).toMatch(/^machine-id\s+yes\s+empties \/etc\/machine-id/m);
  });

  it('refused on a running guest, before anything changes (even --dry-run)', async () => {
    const g = fakeGuest({ kind: 'live', files: { '/etc/machine-id': 'abc\n', '/root/.bash_history': 'x\n' } });
    expect(await fails(g, 'sysprep')).toMatch(/sysprep: refusing a running guest/);
    expect(await fails(g, 'sysprep --dry-run')).toMatch(/refusing a running guest/);
    expect(g.text('/etc/machine-id')).toBe('abc\n');
    expect(g.text('/root/.bash_history')).toBe('x\n');
    expect(g.execCalls).toEqual([]);
  });

  it('logfiles keeps the /var/log/journal directory (journald keeps a persistent journal only where it exists), removes the old machine-id directory', async () => {
    const id = '0123456789abcdef0123456789abcdef';
    const g = fakeGuest({
      files: {
        '/var/log/journal': dir({ mode: 0o2755, gid: 101 }),
        [`/var/log/journal/${id}/system.journal`]: 'j',
        [`/var/log/journal/${id}/system@abc-0001-0002.journal~`]: 'j',
        '/var/log/journal/remote/remote-host.journal': 'j',
        '/var/log/syslog': 'x',
        '/var/log/syslog.1': 'y',
      },
    });
    const r = await json(g, 'sysprep --operations logfiles');
    expect(r.operations[0].removed.map((i: { path: string }) => i.path).sort()).toEqual([`/var/log/journal/${id}`, '/var/log/journal/remote/remote-host.journal', '/var/log/syslog.1']);
    expect((await g.fs.list('/var/log/journal')).map((e) => e.name)).toEqual(['remote']);
    const st = await g.fs.lstat('/var/log/journal');
    expect([st.type, st.mode & 0o7777, st.gid]).toEqual(['directory', 0o2755, 101]);
    expect(g.text('/var/log/syslog')).toBe('');
    expect(await g.fs.exists('/var/log/syslog.1')).toBe(false);
  });
});

describe('clean-temp on a running guest', () => {
  it('without --older-than only files older than 10 days go; directories, sockets and new files stay', async () => {
    const day = 86_400_000;
    const old = new Date(Date.now() - 11 * day);
    const g = fakeGuest({
      kind: 'live',
      files: {
        '/tmp': dir({ mode: 0o1777 }),
        '/var/tmp': dir({ mode: 0o1777 }),
        '/tmp/old': file('o', { mtime: old }),
        '/tmp/new': file('n', { mtime: new Date(Date.now() - 9 * day) }),
        '/tmp/d': dir({ mtime: old }),
        '/tmp/d/old-inside': file('o', { mtime: old }),
        '/var/tmp/old2': file('o', { mtime: old }),
      },
    });
    g.add('/tmp/.X11-unix', { kind: 'socket', mtime: old });
    const r = await session(g, ['clean-temp'], ['--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/running guest: only files older than 10 days go/);
    const data = JSON.parse(r.stdout);
    expect(data.items.map((i: { path: string }) => i.path).sort()).toEqual(['/tmp/d/old-inside', '/tmp/old', '/var/tmp/old2']);
    expect((await g.fs.list('/tmp')).map((e) => e.name).sort()).toEqual(['.X11-unix', 'd', 'new']);
    expect(await g.fs.list('/tmp/d')).toEqual([]);
  });

  it('--older-than 0 on a running guest takes every file', async () => {
    const g = fakeGuest({ kind: 'live', files: { '/tmp/new': file('n', { mtime: new Date(Date.now() - 1000) }) } });
    expect((await json(g, 'clean-temp --older-than 0')).items.map((i: { path: string }) => i.path)).toEqual(['/tmp/new']);
    expect(await g.fs.exists('/tmp/new')).toBe(false);
  });
});

describe('clean-cache', () => {
  it.each([
    ['apt', 'apt-get clean', '/var/cache/apt/archives/x_1_amd64.deb'],
    ['dnf', 'dnf clean all', '/var/cache/dnf/baseos-1/packages/x.rpm'],
    ['yum', 'yum clean all', '/var/cache/yum/x86_64/7/base/packages/x.rpm'],
    ['zypper', 'zypper --non-interactive clean --all', '/var/cache/zypp/packages/repo-oss/x.rpm'],
  ])("%s: runs the guest's own %s", async (manager, command, cached) => {
    const g = fakeGuest({ os: { packageManager: manager }, files: { [cached]: 'pkg' }, exec: { [command.split(' ')[0]!]: {} } });
    const r = await json(g, 'clean-cache');
    expect(r.commands).toEqual([command]);
    expect(g.execCalls.map((c) => c.argv.join(' '))).toContain(command);
    expect(r.items.map((i: { path: string }) => i.path).join(' ')).toMatch(cached.split('/').slice(0, 4).join('/'));
  });

  it.each([
    ['pacman', '/var/cache/pacman/pkg/bash-5.2-1-x86_64.pkg.tar.zst'],
    ['apk', '/var/cache/apk/musl-1.2.5-r0.apk'],
  ])('%s: the cached packages are removed as files, nothing is run', async (manager, cached) => {
    const g = fakeGuest({ os: { packageManager: manager }, files: { [cached]: 'pkg' } });
    const r = await json(g, 'clean-cache');
    expect(r.commands).toEqual([]);
    expect(r.items.map((i: { path: string }) => i.path)).toEqual([cached]);
    expect(await g.fs.exists(cached)).toBe(false);
    expect(g.execCalls.filter((c) => c.argv[0] !== 'df')).toEqual([]);
  });

  it('no known package manager: one line naming it', async () => {
    expect(await fails(fakeGuest({ os: { packageManager: 'xbps' } }), 'clean-cache')).toBe('error: cleaning the package cache: package manager xbps is not supported');
  });
});
