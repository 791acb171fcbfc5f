import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeGuest, link, type FakeGuest, type FileSpec } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { DROPIN_HEADER } from '../../../src/editors/sysctl-dropin.js';

// tune-show, tune-set, tune-unset, tune-swappiness on fake guests shaped like Debian 12 (the
// e2e fixture's sysctl files), a guest without systemd, and a running guest whose sysctl
// writes /proc/sys. test/e2e/tuning.test.ts compares with the guest's own systemd-sysctl.

const sample = (name: string) => readFileSync(new URL(`../samples/sysctl/${name}`, import.meta.url), 'utf8');
const DROPIN = '/etc/sysctl.d/99-zz-guestctl.conf';

function debian(extra: Record<string, FileSpec> = {}, kind: 'image' | 'live' = 'image') {
  return fakeGuest({
    kind,
    os: { distro: 'debian', initSystem: 'systemd' },
    files: {
      '/etc/sysctl.conf': sample('debian12-sysctl.conf'),
      '/etc/sysctl.d/99-sysctl.conf': link('../sysctl.conf'),
      '/etc/sysctl.d/README.sysctl': 'not a conf file\nvm.swappiness = 99\n',
      '/usr/lib/sysctl.d/50-pid-max.conf': sample('debian12-50-pid-max.conf'),
      '/usr/lib/sysctl.d/99-protect-links.conf': sample('debian12-99-protect-links.conf'),
      '/lib': link('usr/lib'),
      ...extra,
    },
  });
}

const run = (g: FakeGuest, line: string, json = true) => runLine(line, { guest: g, json });
const text = async (g: FakeGuest, path: string) => (await g.fs.readFile(path)).toString('utf8');

describe('tune-show', () => {
  it("Debian 12: the merged settings with file and line, in systemd-sysctl's order", async () => {
    const r = await run(debian(), 'tune-show');
    expect(r.code).toBe(0);
    expect(r.data).toMatchObject({
      reader: 'systemd-sysctl',
      files: ['/usr/lib/sysctl.d/50-pid-max.conf', '/usr/lib/sysctl.d/99-protect-links.conf', '/etc/sysctl.d/99-sysctl.conf'],
    });
    const rows = (r.data as { settings: { key: string; value: string; file: string; line: number }[] }).settings;
    expect(rows.map((s) => `${s.key}=${s.value}@${s.file}:${s.line}`)).toEqual([
      'kernel.pid_max=4194304@/usr/lib/sysctl.d/50-pid-max.conf:16',
      'fs.protected_fifos=1@/usr/lib/sysctl.d/99-protect-links.conf:7',
      'fs.protected_hardlinks=1@/usr/lib/sysctl.d/99-protect-links.conf:8',
      'fs.protected_regular=2@/usr/lib/sysctl.d/99-protect-links.conf:9',
      'fs.protected_symlinks=1@/usr/lib/sysctl.d/99-protect-links.conf:10',
    ]);
  });

  it('filters by a glob on the key, accepts the slash form, and prints a table', async () => {
    const g = debian();
    const r = await run(g, 'tune-show fs.protected_*', false);
    expect(r.stdout).toMatch(/fs\.protected_regular\s+2\s+\/usr\/lib\/sysctl\.d\/99-protect-links\.conf:9/);
    expect(r.stdout).not.toContain('pid_max');
    expect(((await run(g, 'tune-show kernel/pid_max')).data as { settings: unknown[] }).settings).toHaveLength(1);
  });

  it('/etc masks /usr/lib by name; a link to /dev/null masks the file', async () => {
    const g = debian({ '/etc/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 65536\n', '/etc/sysctl.d/99-protect-links.conf': link('/dev/null') });
    const r = (await run(g, 'tune-show')).data as { settings: { key: string; value: string; file: string }[]; masked: string[] };
    expect(r.settings).toEqual([expect.objectContaining({ key: 'kernel.pid_max', value: '65536', file: '/etc/sysctl.d/50-pid-max.conf' })]);
    expect(r.masked).toEqual(['/etc/sysctl.d/99-protect-links.conf']);
  });

  it('without systemd, /etc/sysctl.conf is read last (procps sysctl --system)', async () => {
    const g = fakeGuest({ os: { initSystem: 'openrc' }, files: { '/etc/sysctl.conf': 'vm.swappiness = 5\n', '/etc/sysctl.d/00-x.conf': 'vm.swappiness = 1\n' } });
    const r = (await run(g, 'tune-show')).data as { reader: string; settings: { value: string; file: string }[] };
    expect(r.reader).toBe('sysctl --system');
    expect(r.settings).toEqual([expect.objectContaining({ value: '5', file: '/etc/sysctl.conf' })]);
  });

  it('live: the running value beside the boot value', async () => {
    const g = debian({ '/proc/sys/kernel/pid_max': '32768\n' }, 'live');
    const r = (await run(g, 'tune-show kernel.*')).data as { settings: { key: string; current: string | null }[] };
    expect(r.settings).toEqual([expect.objectContaining({ key: 'kernel.pid_max', value: '4194304', current: '32768' })]);
  });
});

describe('tune-set / tune-swappiness / tune-unset on an image', () => {
  it('writes the drop-in, which wins the merge; unset removes it when empty', async () => {
    const g = debian();
    const r = await run(g, 'tune-swappiness 10');
    expect(r.code, r.stderr).toBe(0);
    expect(await text(g, DROPIN)).toBe(`${DROPIN_HEADER}vm.swappiness = 10\n`);
    expect(await run(g, 'tune-set kernel.pid_max 65536')).toMatchObject({ code: 0 });
    const show = (await run(g, 'tune-show')).data as { settings: { key: string; value: string; file: string }[] };
    expect(show.settings.find((s) => s.key === 'kernel.pid_max')).toMatchObject({ value: '65536', file: DROPIN });
    expect(show.settings.find((s) => s.key === 'vm.swappiness')).toMatchObject({ value: '10', file: DROPIN });

    const u = await run(g, 'tune-unset kernel.pid_max');
    expect(u.data).toMatchObject({ fileRemoved: false, bootValue: { value: '4194304', file: '/usr/lib/sysctl.d/50-pid-max.conf' } });
    expect(await text(g, DROPIN)).toBe(`${DROPIN_HEADER}vm.swappiness = 10\n`);
    expect((await run(g, 'tune-unset vm/swappiness')).data).toMatchObject({ fileRemoved: true, bootValue: null });
    expect(await g.fs.exists(DROPIN)).toBe(false);
  });

  it.each([
    ['tune-swappiness 201', 'vm.swappiness takes an integer from 0 to 200, not 201'],
    ['tune-set net.ipv4.ip_forward 2', 'net.ipv4.ip_forward takes an integer from 0 to 1, not 2'],
    ['tune-set fs.file-max 0', 'fs.file-max takes an integer of at least 1, not 0'],
    ['tune-set vm..swappiness 1', "not a sysctl key (empty or '.'/'..' component): 'vm..swappiness'"],
    ['tune-set "vm swappiness" 1', "not a sysctl key (no spaces or '='): 'vm swappiness'"],
  ])('%s is refused and changes nothing', async (line, message) => {
    const g = debian();
    const r = await run(g, line);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(await g.fs.exists(DROPIN)).toBe(false);
  });

  it('--dry-run prints the diff and writes nothing', async () => {
    const g = debian();
    const r = await run(g, 'tune-set vm.swappiness 10 --dry-run', false);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`+++ b${DROPIN}`);
    expect(r.stdout).toContain('+vm.swappiness = 10');
    expect(await g.fs.exists(DROPIN)).toBe(false);
  });

  it('names a file read after the drop-in that sets the same key', async () => {
    const g = debian({ '/etc/sysctl.d/zz-local.conf': 'vm.swappiness = 80\n' });
    const r = await run(g, 'tune-swappiness 10');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('/etc/sysctl.d/zz-local.conf:1 sets vm.swappiness = 80 and is read after');
    expect(r.data).toMatchObject({ overriddenBy: [{ file: '/etc/sysctl.d/zz-local.conf', line: 1, value: '80' }] });
  });

  it('tune-unset of a key the drop-in does not set is an error naming the file that sets it', async () => {
    const r = await run(debian(), 'tune-unset kernel.pid_max');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kernel.pid_max is not set in /etc/sysctl.d/99-zz-guestctl.conf; /usr/lib/sysctl.d/50-pid-max.conf:16 sets it');
  });
});

describe('live guest', () => {
  function liveGuest(kernelKeeps?: string) {
    const g = debian({ '/proc/sys/vm/swappiness': '60\n' }, 'live');
    const calls: string[][] = [];
    g.exec = async (argv: string[]) => {
      calls.push(argv);
      if (argv[0] === 'sysctl' && argv[1] === '-w') {
        const [key, value] = argv[2]!.split('=');
        await g.fs.writeFile(`/proc/sys/${key!.replaceAll('.', '/')}`, `${kernelKeeps ?? value}\n`);
        return { code: 0, stdout: `${key} = ${value}\n`, stderr: '' };
      }
      if (argv[0] === 'sysctl' && argv[1] === '-n') return { code: 0, stdout: await text(g, `/proc/sys/${argv[2]!.replaceAll('.', '/')}`), stderr: '' };
      return { code: 127, stdout: '', stderr: 'not found' };
    };
    return { g, calls };
  }

  it('applies with sysctl -w and reads back', async () => {
    const { g, calls } = liveGuest();
    const r = await run(g, 'tune-swappiness 10');
    expect(r.code, r.stderr).toBe(0);
    expect(r.data).toMatchObject({ appliedLive: true, previousLive: '60' });
    expect(calls).toEqual([['sysctl', '-w', 'vm.swappiness=10'], ['sysctl', '-n', 'vm.swappiness']]);
    expect(await text(g, '/proc/sys/vm/swappiness')).toBe('10\n');
    expect(await text(g, DROPIN)).toContain('vm.swappiness = 10');
  });

  it('a read-back that differs is an error and the drop-in is restored', async () => {
    const { g } = liveGuest('60');
    const r = await run(g, 'tune-swappiness 10');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('applying vm.swappiness to the running guest: the kernel kept vm.swappiness = 60 after sysctl -w vm.swappiness=10');
    expect(await g.fs.exists(DROPIN)).toBe(false);
  });

  it('a key the running kernel does not have is written for the next boot, with a note', async () => {
    const { g, calls } = liveGuest();
    const r = await run(g, 'tune-set net.bridge.bridge-nf-call-iptables 0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the running kernel has no net.bridge.bridge-nf-call-iptables');
    expect(r.data).toMatchObject({ appliedLive: false });
    expect(calls).toEqual([]);
  });
});
