import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeGuest, type FakeGuest } from '../../helpers/fake-guest.js';
import type { ExecOptions } from '../../../src/guest/types.js';
import { fails, json, ok } from './_session.js';

// grub on fake guests: what `show` reads, what `set` writes and which grubby runs on a BLS
// guest, and how `update` checks grub-mkconfig's output before it replaces grub.cfg.
// test/e2e/grub.test.ts runs the guest's own GRUB on a real image.

const DEBIAN_CFG = readFileSync(new URL('../samples/grub-debian12.cfg', import.meta.url), 'utf8');
const DEBIAN_DEFAULT = '# comment\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n';
const MKCONFIG = '/usr/sbin/grub-mkconfig';

function debian(extra: Record<string, string> = {}, kind: 'image' | 'live' = 'image'): FakeGuest {
  return fakeGuest({
    kind,
    os: { type: 'linux', distro: 'debian', packageFormat: 'deb' },
    files: { '/etc/default/grub': DEBIAN_DEFAULT, '/boot/grub/grub.cfg': DEBIAN_CFG, '/boot/vmlinuz-6.1.0-50-amd64': 'k', '/boot/vmlinuz-5.10.0-30-amd64': 'k', ...extra },
  });
}

function rhel(): FakeGuest {
  return fakeGuest({
    os: { type: 'linux', distro: 'rhel', packageFormat: 'rpm' },
    files: {
      '/etc/default/grub': "GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX='rhgb quiet'\nGRUB_ENABLE_BLSCFG=true\n",
      '/boot/grub2/grubenv': '# GRUB Environment Block\nsaved_entry=abc-5.14.0-427.el9.x86_64\n',
      '/boot/grub2/grub.cfg': 'insmod blscfg\nblscfg\n',
      '/boot/loader/entries/abc-5.14.0-427.el9.x86_64.conf': 'title RHEL (5.14.0-427.el9.x86_64)\nversion 5.14.0-427.el9.x86_64\nlinux /vmlinuz-5.14.0-427.el9.x86_64\noptions root=UUID=1 ro rhgb quiet\n',
      '/boot/loader/entries/abc-5.14.0-503.el9.x86_64.conf': 'title RHEL (5.14.0-503.el9.x86_64)\nversion 5.14.0-503.el9.x86_64\nlinux /vmlinuz-5.14.0-503.el9.x86_64\noptions root=UUID=1 ro rhgb quiet\n',
      '/boot/vmlinuz-5.14.0-427.el9.x86_64': 'k',
      '/boot/vmlinuz-5.14.0-503.el9.x86_64': 'k',
    },
    exec: { grubby: { code: 0 } },
  });
}

/** grub-mkconfig that writes `cfg` to its -o file, and a grub-script-check answering `check`. */
function withMkconfig(g: FakeGuest, cfg: string, check = 0, stderr = 'Generating grub configuration file ...\ndone\n'): FakeGuest {
  g.add(MKCONFIG, 'elf');
  g.on('grub-mkconfig', async (argv, _opts, guest) => {
    await guest.fs.writeFile(argv[2]!, cfg);
    return { code: 0, stderr };
  });
  g.on('grub-script-check', { code: check, stderr: check ? 'syntax error at line 3\n' : '' });
  return g;
}

describe('grub show', () => {
  it('lists the settings, the menu entries of grub.cfg, the kernels and the default one (no guest program runs)', async () => {
    const g = debian();
    const r = await json(g, 'grub show');
    expect(r).toMatchObject({ loader: 'grub', config: '/boot/grub/grub.cfg', cmdline: '', cmdlineDefault: 'quiet', defaultEntry: 'Debian GNU/Linux' });
    expect(r.settings).toEqual({ GRUB_DEFAULT: '0', GRUB_TIMEOUT: '5' });
    expect(r.entries.map((e: { path: string }) => e.path)).toEqual(['0', '1>0', '1>1']);
    expect(r.kernels).toEqual([
      { version: '6.1.0-50-amd64', path: '/boot/vmlinuz-6.1.0-50-amd64', default: true },
      { version: '5.10.0-30-amd64', path: '/boot/vmlinuz-5.10.0-30-amd64', default: false },
    ]);
    expect(g.execCalls).toEqual([]);
  });

  it('resolves GRUB_DEFAULT given as a submenu path', async () => {
    const g = debian({ '/etc/default/grub': DEBIAN_DEFAULT.replace('GRUB_DEFAULT=0', 'GRUB_DEFAULT="1>1"') });
    expect((await json(g, 'grub show')).defaultEntry).toBe('Debian GNU/Linux, with Linux 6.1.0-50-amd64 (recovery mode)');
  });

  it('reads BLS entries newest first, and the saved_entry of grubenv as the default', async () => {
    const r = await json(rhel(), 'grub show');
    expect(r.loader).toBe('grub-bls');
    expect(r.entries.map((e: { id: string }) => e.id)).toEqual(['abc-5.14.0-503.el9.x86_64', 'abc-5.14.0-427.el9.x86_64']);
    expect(r.defaultEntry).toBe('RHEL (5.14.0-427.el9.x86_64)');
    expect(r.kernels.filter((k: { default: boolean }) => k.default).map((k: { path: string }) => k.path)).toEqual(['/boot/vmlinuz-5.14.0-427.el9.x86_64']);
  });

  it.each([
    [{ '/boot/efi/loader/loader.conf': 'default arch.conf\n' }, 'systemd-boot', /boots with systemd-boot \(\/boot\/efi\/loader\/loader.conf\)/],
    [{ '/boot/extlinux/extlinux.conf': 'DEFAULT linux\n' }, 'extlinux', /boots with extlinux/],
    [{}, 'none', /no boot loader configuration found: probably booted with a direct kernel/],
  ])('a guest without GRUB says what it boots with (%j)', async (files, loader, line) => {
    const g = fakeGuest({ files: { '/boot/vmlinuz-6.1.0-50-amd64': 'k', ...files } });
    expect((await json(g, 'grub show')).loader).toBe(loader);
    expect((await ok(g, ['grub show'])).stdout).toMatch(line);
  });
});

describe('grub set', () => {
  it('--add-arg edits GRUB_CMDLINE_LINUX only, says to run grub update, and runs nothing', async () => {
    const g = debian();
    const r = await ok(g, ['grub set --add-arg console=ttyS0']);
    expect(g.text('/etc/default/grub')).toBe(DEBIAN_DEFAULT.replace('GRUB_CMDLINE_LINUX=""', 'GRUB_CMDLINE_LINUX="console=ttyS0"'));
    expect(r.stderr).toMatch(/run `grub update` to regenerate grub.cfg/);
    expect(g.execCalls).toEqual([]);
    const again = await ok(g, ['grub set --add-arg console=ttyS0']);
    expect(again.stdout).toMatch(/nothing to change/);
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const g = debian();
    const r = await ok(g, ['grub set GRUB_TIMEOUT 1 --dry-run']);
    expect(r.stdout).toContain('-GRUB_TIMEOUT=5\n+GRUB_TIMEOUT=1\n');
    expect(g.text('/etc/default/grub')).toBe(DEBIAN_DEFAULT);
  });

  it.each([
    ['grub set GRUB_TIMEOUT soon', /GRUB_TIMEOUT must be a number of seconds/],
    ['grub set GRUB_TIMEOUT', /no VALUE given/],
    ['grub set', /needs KEY VALUE, --add-arg or --remove-arg/],
    ['grub show GRUB_TIMEOUT', /takes no KEY/],
    ['grub reinstall', /unknown action 'reinstall'/],
  ])('%s fails', async (line, why) => {
    expect(await fails(debian(), line)).toMatch(why);
  });

  it('on a BLS guest runs the guest grubby for every kernel after writing the file', async () => {
    const g = rhel();
    await ok(g, ['grub set --add-arg console=ttyS0 --remove-arg rhgb']);
    expect(g.text('/etc/default/grub')).toContain("GRUB_CMDLINE_LINUX='quiet console=ttyS0'\n");
    expect(g.execCalls.map((c) => c.argv)).toEqual([['grubby', '--update-kernel=ALL', '--args=console=ttyS0', '--remove-args=rhgb']]);
  });

  it('on a BLS guest restores /etc/default/grub when grubby fails', async () => {
    const g = rhel().on('grubby', { code: 1, stderr: 'grubby: bad entry\n' });
    const before = g.text('/etc/default/grub');
    expect(await fails(g, 'grub set --add-arg console=ttyS0')).toMatch(/grubby failed \(exit 1\): grubby: bad entry; the previous content was restored/);
    expect(g.text('/etc/default/grub')).toBe(before);
  });

  it('a guest without /etc/default/grub is refused', async () => {
    expect(await fails(fakeGuest({}), 'grub set GRUB_TIMEOUT 1')).toMatch(/no \/etc\/default\/grub: GRUB is not installed/);
  });
});

describe('grub update', () => {
  const GOOD = "menuentry 'Debian' {\n\tlinux /vmlinuz root=UUID=7007f5a1 ro console=ttyS0\n}\n";

  it('generates into a temp file with os-prober off and the block devices, checks it, then replaces grub.cfg', async () => {
    const g = withMkconfig(debian(), GOOD);
    const r = await json(g, 'grub update');
    expect(r).toMatchObject({ config: '/boot/grub/grub.cfg', entries: 1, warnings: [] });
    expect(g.text('/boot/grub/grub.cfg')).toBe(GOOD);
    expect(await g.fs.exists('/boot/grub/grub.cfg.guestctl-new')).toBe(false);
    const [gen, check] = g.execCalls;
    expect(gen!.argv).toEqual(['grub-mkconfig', '-o', '/boot/grub/grub.cfg.guestctl-new']);
    expect(gen!.opts).toMatchObject({ env: { GRUB_DISABLE_OS_PROBER: 'true' }, blockDevices: true } satisfies ExecOptions);
    expect(check!.argv).toEqual(['grub-script-check', '/boot/grub/grub.cfg.guestctl-new']);
  });

  it('on a running guest runs grub-mkconfig through the agent without blockDevices', async () => {
    const g = withMkconfig(debian({}, 'live'), GOOD);
    await ok(g, ['grub update']);
    expect(g.execCalls[0]!.opts.blockDevices).toBeUndefined();
  });

  it.each([
    ['a host loop device as root', "menuentry 'D' {\n\tlinux /vmlinuz root=/dev/loop3 ro\n}\n", 0, /named a host device as the root .*root=\/dev\/loop3.*grub.cfg left unchanged/],
    ["the jail's device name as root", "menuentry 'D' {\n\tlinux /vmlinuz root=/dev/guestctl-loop3 ro\n}\n", 0, /named a host device as the root/],
    ['a script grub-script-check rejects', GOOD, 1, /grub-script-check rejected the generated grub.cfg \(exit 1\): syntax error at line 3/],
  ])('keeps grub.cfg and removes the temp file when grub-mkconfig writes %s', async (_what, cfg, check, why) => {
    const g = withMkconfig(debian(), cfg, check);
    expect(await fails(g, 'grub update')).toMatch(why);
    expect(g.text('/boot/grub/grub.cfg')).toBe(DEBIAN_CFG);
    expect(await g.fs.exists('/boot/grub/grub.cfg.guestctl-new')).toBe(false);
  });

  it('passes grub-mkconfig warnings on as notes', async () => {
    const g = withMkconfig(debian(), GOOD, 0, 'Generating grub configuration file ...\ngrub-probe: warning: unknown device type loop1.\ndone\n');
    expect((await ok(g, ['grub update'])).stderr).toMatch(/note: grub-mkconfig: grub-probe: warning: unknown device type loop1\./);
  });

  it('a guest without grub-mkconfig says what it boots with', async () => {
    const g = fakeGuest({ files: { '/boot/loader/loader.conf': 'timeout 3\n' } });
    expect(await fails(g, 'grub update')).toMatch(/this guest has no grub-mkconfig: it boots with systemd-boot \(\/boot\/loader\/loader.conf\)/);
  });
});
