import { describe, expect, it } from 'vitest';
import { fakeGuest, type FakeGuest } from '../../helpers/fake-guest.js';
import type { Guest } from '../../../src/guest/types.js';
import { fails, json, ok, session } from './_session.js';

// services, enable, disable, mask, unmask on fake guests whose systemctl is scripted like
// Debian 12's (systemd 252). test/e2e/services.test.ts checks the real systemctl in the sandbox.

const UNIT_FILES = [
  'cron.service                           enabled  enabled',
  'debug-shell.service                    disabled disabled',
  'getty@.service                         enabled  enabled',
  'ssh.service                            enabled  enabled',
  'sshd.service                           alias    -',
  'nginx.service                          enabled  enabled',
  'fstrim.timer                           enabled  enabled',
].join('\n');

const LIST_UNITS = [
  'cron.service  loaded active  running Regular background program processing daemon',
  'ssh.service   loaded active  running OpenBSD Secure Shell server',
  'nginx.service loaded failed  failed  A high performance web server',
].join('\n');

/** A systemctl that knows the units above, records what it was asked and answers as systemd 252. */
function systemctl(argv: string[]) {
  const verb = argv.find((a, i) => i > 0 && !a.startsWith('-'))!;
  const units = argv.slice(argv.indexOf('--') + 1);
  if (verb === 'list-unit-files') return { stdout: `${UNIT_FILES}\n` };
  if (verb === 'list-units') return { stdout: `${LIST_UNITS}\n` };
  const u = units[0]!.includes('.') ? units[0]! : `${units[0]}.service`;
  if (verb === 'enable') return { stderr: `Created symlink /etc/systemd/system/sysinit.target.wants/${u} → /lib/systemd/system/${u}.\n` };
  if (verb === 'disable') return { stderr: `Removed /etc/systemd/system/multi-user.target.wants/${u}.\n` };
  if (verb === 'mask') return { stderr: `Created symlink /etc/systemd/system/${u} → /dev/null.\n` };
  if (verb === 'unmask') return { stderr: `Removed /etc/systemd/system/${u}.\n` };
  return { code: 1, stderr: `Unknown command verb ${verb}.\n` };
}

const guest = (kind: Guest['kind'], initSystem = 'systemd'): FakeGuest =>
  fakeGuest({ kind, os: { type: 'linux', distro: 'debian', initSystem }, exec: { systemctl } });

const systemctlCalls = (g: FakeGuest) => g.execCalls.filter((c) => c.argv[0] === 'systemctl');

describe('services', () => {
  it('offline: unit files and their enablement, from the guest systemctl in offline mode', async () => {
    const g = guest('image');
    const rows = await json(g, 'services');
    expect(rows).toHaveLength(7);
    expect(rows[1]).toEqual({ unit: 'debug-shell.service', state: 'disabled', preset: 'disabled' });
    expect(systemctlCalls(g)[0]!.opts.env).toMatchObject({ SYSTEMD_OFFLINE: '1' });
    expect((await json(g, 'services --enabled')).map((r: { unit: string }) => r.unit)).toEqual([
      'cron.service', 'getty@.service', 'ssh.service', 'nginx.service', 'fstrim.timer',
    ]);
    const human = await ok(g, ['services']);
    expect(human.stdout).toMatch(/^UNIT\s+STATE\s+PRESET\n/);
    expect(human.stdout).toMatch(/sshd\.service\s+alias\s+-/);
  });

  it('passes the pattern to systemctl after --', async () => {
    const g = guest('image');
    await ok(g, ['services ssh*']);
    expect(systemctlCalls(g)[0]!.argv.slice(-2)).toEqual(['--', 'ssh*']);
  });

  it('offline --failed is an error, not an empty list', async () => {
    expect(await fails(guest('image'), 'services --failed')).toMatch(/needs a running guest/);
  });

  it('live: adds the active state, and --failed lists the failed units', async () => {
    const g = guest('live');
    const rows = await json(g, 'services');
    expect(rows.find((r: { unit: string }) => r.unit === 'ssh.service')).toEqual({ unit: 'ssh.service', state: 'enabled', preset: 'enabled', active: 'active', sub: 'running' });
    expect(rows.find((r: { unit: string }) => r.unit === 'debug-shell.service')).toMatchObject({ active: null, sub: null });
    expect(systemctlCalls(g)[0]!.opts.env).not.toHaveProperty('SYSTEMD_OFFLINE');
    expect(await json(g, 'services --failed')).toEqual([{ unit: 'nginx.service', state: 'enabled', preset: 'enabled', active: 'failed', sub: 'failed' }]);
    expect((await ok(g, ['services'])).stdout).toMatch(/^UNIT\s+STATE\s+PRESET\s+ACTIVE\s+SUB\n/);
  });

  it('refuses a guest that does not run systemd, and an option as pattern', async () => {
    expect(await fails(guest('image', 'openrc'), 'services')).toMatch(/services needs systemd in the guest, and this guest runs openrc/);
    expect(await fails(guest('image'), 'services -- -x')).toMatch(/not a unit name/);
  });
});

describe('enable, disable, mask, unmask', () => {
  it.each([
    ['enable debug-shell', ['enable', '--', 'debug-shell'], { action: 'created', link: '/etc/systemd/system/sysinit.target.wants/debug-shell.service', target: '/lib/systemd/system/debug-shell.service' }],
    ['disable cron', ['disable', '--', 'cron'], { action: 'removed', link: '/etc/systemd/system/multi-user.target.wants/cron.service', target: null }],
    ['mask debug-shell.service', ['mask', '--', 'debug-shell.service'], { action: 'created', link: '/etc/systemd/system/debug-shell.service', target: '/dev/null' }],
    ['unmask fstrim.timer', ['unmask', '--', 'fstrim.timer'], { action: 'removed', link: '/etc/systemd/system/fstrim.timer', target: null }],
  ])('%s: runs the guest systemctl offline and returns the links it changed', async (line, argv, change) => {
    const g = guest('image');
    const r = await json(g, line);
    expect(r.changes).toEqual([change]);
    const call = systemctlCalls(g).at(-1)!;
    expect(call.argv.slice(1)).toEqual(argv);
    expect(call.opts.env).toMatchObject({ SYSTEMD_OFFLINE: '1' });
    const human = await ok(g, [line]);
    expect(human.stdout).toBe(change.target ? `created ${change.link} -> ${change.target}\n` : `removed ${change.link}\n`);
  });

  it('takes several units and template instances', async () => {
    const g = guest('image');
    await ok(g, ['enable ssh cron getty@tty2']);
    expect(systemctlCalls(g).at(-1)!.argv.slice(1)).toEqual(['enable', '--', 'ssh', 'cron', 'getty@tty2']);
  });

  it('an unknown unit fails with the close names and runs no change', async () => {
    const g = guest('image');
    expect(await fails(g, 'enable sshh')).toBe("error: enable: the guest has no unit 'sshh'; did you mean ssh, sshd?");
    expect(await fails(g, 'disable ssh nosuchthing-at-all')).toBe("error: disable: the guest has no unit 'nosuchthing-at-all'");
    expect(systemctlCalls(g).map((c) => c.argv[1])).toEqual(['list-unit-files', 'list-unit-files']);
  });

  it('--now is refused offline with the reason, and passed to systemctl live', async () => {
    const img = guest('image');
    expect(await fails(img, 'enable --now ssh')).toMatch(/enable --now would start the units, which needs a running guest/);
    expect(await fails(img, 'mask --now ssh')).toMatch(/mask --now would stop the units/);
    expect(systemctlCalls(img)).toEqual([]);
    const live = guest('live');
    const r = await ok(live, ['enable --now ssh']);
    expect(systemctlCalls(live).at(-1)!.argv.slice(1)).toEqual(['enable', '--now', '--', 'ssh']);
    expect(r.stdout).toContain('started ssh\n');
    expect(await fails(live, 'unmask --now ssh')).toMatch(/unmask starts nothing/);
  });

  it('refuses patterns, options as units, a read-only session and non-systemd guests', async () => {
    const g = guest('image');
    expect(await fails(g, "enable 'ssh*'")).toMatch(/takes unit names, not patterns/);
    expect(await fails(g, 'enable -- --root=/tmp')).toMatch(/not a unit name/);
    expect((await session(g, ['enable ssh'], ['--ro'])).code).not.toBe(0);
    expect(await fails(guest('image', 'sysvinit'), 'disable ssh')).toMatch(/needs systemd in the guest, and this guest runs sysvinit/);
    expect(systemctlCalls(g).filter((c) => c.argv[1] !== 'list-unit-files')).toEqual([]);
  });

  it("a systemctl failure is an error naming the step and the guest's error (its last line, after the progress lines)", async () => {
    const g = guest('image').on('systemctl', (argv) =>
      argv.includes('list-unit-files') ? { stdout: `${UNIT_FILES}\n` } : { code: 1, stderr: 'Synchronizing state of ssh.service with SysV service script with /lib/systemd/systemd-sysv-install.\nFailed to enable unit: File /etc/systemd/system/x: Read-only file system\n' },
    );
    expect(await fails(g, 'enable ssh')).toBe('error: systemctl enable ssh failed in the guest: Failed to enable unit: File /etc/systemd/system/x: Read-only file system');
  });
});
