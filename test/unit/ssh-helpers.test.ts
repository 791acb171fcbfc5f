import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import { emptyOsInfo } from '../../src/inspect/os.js';
import type { Guest, GuestFs } from '../../src/guest/types.js';
import { pickSshUnit } from '../../commands/ssh-key-management/_shared/ssh-unit.js';
import { labelSshHome } from '../../commands/ssh-key-management/_shared/ssh-home.js';
import { guestSelinux } from '../../src/inspect/selinux.js';

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-ssh-helpers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function guestAt(name: string, files: Record<string, string>, fs?: (real: LocalGuestFs) => GuestFs): { root: string; guest: Guest } {
  const root = join(tmp, name);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    if (p.endsWith('/')) mkdirSync(join(root, p), { recursive: true });
    else writeFileSync(join(root, p), text);
  }
  mkdirSync(join(root, 'root/.ssh'), { recursive: true });
  writeFileSync(join(root, 'root/.ssh/authorized_keys'), '');
  const real = new LocalGuestFs(root, false);
  const guest = { fs: fs ? fs(real) : real, os: emptyOsInfo(), capabilities: new Set(['fs']) } as unknown as Guest;
  return { root, guest };
}

describe('the sshd unit of a guest', () => {
  it.each([
    ['Debian: ssh.service, with the sshd.service alias link', [{ name: 'ssh.service', dir: '/lib/systemd/system', type: 'file' }, { name: 'sshd.service', dir: '/etc/systemd/system', type: 'symlink' }], true, 'ssh.service'],
    ['Debian, disabled (no alias link)', [{ name: 'ssh.service', dir: '/lib/systemd/system', type: 'file' }], true, 'ssh.service'],
    ['RHEL/Fedora/SUSE/Arch: sshd.service', [{ name: 'sshd.service', dir: '/usr/lib/systemd/system', type: 'file' }], false, 'sshd.service'],
    ['an admin-made alias on a non-deb guest', [{ name: 'ssh.service', dir: '/etc/systemd/system', type: 'symlink' }, { name: 'sshd.service', dir: '/usr/lib/systemd/system', type: 'file' }], false, 'sshd.service'],
    ['none', [], false, null],
  ] as const)('%s', (_, found, deb, unit) => {
    expect(pickSshUnit([...found], deb)).toBe(unit);
  });
});

describe('SELinux on the guest', () => {
  it('is on when SELINUX is enforcing or permissive and the policy directory exists', async () => {
    const cfg = (mode: string) => `# comment\nSELINUX=${mode}\nSELINUXTYPE=targeted\n`;
    expect(await guestSelinux(guestAt('enf', { 'etc/selinux/config': cfg('enforcing'), 'etc/selinux/targeted/': '' }).guest)).toEqual({ mode: 'enforcing', type: 'targeted' });
    expect(await guestSelinux(guestAt('perm', { 'etc/selinux/config': cfg('permissive'), 'etc/selinux/targeted/': '' }).guest)).toMatchObject({ mode: 'permissive' });
    expect(await guestSelinux(guestAt('dis', { 'etc/selinux/config': cfg('disabled'), 'etc/selinux/targeted/': '' }).guest)).toBeNull();
    expect(await guestSelinux(guestAt('nopolicy', { 'etc/selinux/config': cfg('enforcing') }).guest)).toBeNull();
    expect(await guestSelinux(guestAt('none', {}).guest)).toBeNull();
  });

  it('labels with ssh_home_t, or schedules /.autorelabel when the label cannot be set', async () => {
    const { root, guest } = guestAt('label', {});
    expect(await labelSshHome(guest, ['/root/.ssh'])).toEqual({ labelled: ['/root/.ssh'], autorelabel: false });
    const value = execFileSync('getfattr', ['--absolute-names', '-h', '--only-values', '-n', 'security.selinux', join(root, 'root/.ssh')], { encoding: 'latin1' });
    expect(value).toBe('system_u:object_r:ssh_home_t:s0\0');

    const failing = guestAt('relabel', {}, (real) =>
      Object.assign(Object.create(real) as LocalGuestFs, {
        setXattr: async () => {
          throw new Error('operation not supported');
        },
      }),
    );
    expect(await labelSshHome(failing.guest, ['/root/.ssh'])).toEqual({ labelled: [], autorelabel: true, reason: 'operation not supported' });
    expect(existsSync(join(failing.root, '.autorelabel'))).toBe(true);

    const none = guestAt('noxattr', {}, (real) => Object.assign(Object.create(real) as LocalGuestFs, { setXattr: undefined }));
    expect(await labelSshHome(none.guest, ['/root/.ssh'])).toMatchObject({ autorelabel: true, reason: 'this guest backend cannot set extended attributes' });
  });
});
