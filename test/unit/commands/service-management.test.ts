import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, link, type FakeGuest, type FileSpec } from '../../helpers/fake-guest.js';
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

describe('logs, failed, boot-time on a disk image (the persistent journal)', () => {
  const MID = '849cbf660ccc40fc8b73ff3776a67c19';
  const bootSample = readFileSync(new URL('../samples/journal-debian12-boot.jsonl', import.meta.url), 'utf8');
  const sshSample = readFileSync(new URL('../samples/journal-debian12-ssh.jsonl', import.meta.url), 'utf8');
  /** A guest journalctl answering like systemd 252 on the sample journal. */
  function journalctl(argv: string[]) {
    if (argv.includes('-n') && argv[argv.indexOf('-n') + 1] === '1' && argv.includes('json')) return { stdout: `${bootSample.trimEnd().split('\n').at(-1)}\n` };
    if (argv.some((a) => a.startsWith('MESSAGE_ID='))) return { stdout: bootSample };
    if (argv.includes('json')) return { stdout: sshSample };
    return { stdout: 'Dec 04 18:13:12 deb12-fixture systemd[1]: Stopped ssh.service - OpenBSD Secure Shell server.\n' };
  }
  const booted = (extra: Record<string, FileSpec> = {}) =>
    fakeGuest({
      kind: 'image',
      os: { type: 'linux', initSystem: 'systemd' },
      files: { [`/var/log/journal/${MID}/system.journal`]: 'LPKSHHRH', '/usr/bin/journalctl': '', ...extra },
      exec: { journalctl },
    });
  const journalCalls = (g: FakeGuest) => g.execCalls.filter((c) => c.argv[0] === 'journalctl').map((c) => c.argv);

  it('logs: the guest journalctl on /var/log/journal, with the filters as journalctl options', async () => {
    const g = booted();
    const r = await ok(g, ["logs ssh -n 5 --boot=-1 --since '2024-05-01 10:00' --priority err"]);
    expect(r.stdout).toBe('Dec 04 18:13:12 deb12-fixture systemd[1]: Stopped ssh.service - OpenBSD Secure Shell server.\n');
    expect(journalCalls(g)).toEqual([['journalctl', '--no-pager', '--directory', '/var/log/journal', '-u', 'ssh', '-n', '5', '-b', '-1', '--since=2024-05-01 10:00', '-p', '3']]);
    expect((await json(g, 'logs ssh -n 5')).map((e: { message: string }) => e.message).at(-1)).toBe('ssh.service: Consumed 2.122s CPU time.');
    await ok(g, ['logs']);
    expect(journalCalls(g).at(-1)).toEqual(['journalctl', '--no-pager', '--directory', '/var/log/journal', '-n', '50']);
  });

  it.each([
    ['logs --priority loud', "error: --priority must be one of emerg, alert, crit, err, warning, notice, info, debug or 0-7: 'loud'"],
    ['logs --boot last', "error: --boot must be a whole number (0 the last boot, -1 the one before): 'last'"],
    ["logs --since 'now; rm'", "error: --since takes a time like '2024-05-01 10:00', 'yesterday' or '-1h': 'now; rm'"],
  ])('%s is refused', async (line, message) => {
    expect(await fails(booted(), line)).toBe(message);
  });

  it('failed: the units whose last word in the last boot was a failure (none in the sample)', async () => {
    const g = booted();
    expect(await json(g, 'failed')).toEqual([]);
    expect((await ok(g, ['failed'])).stdout).toBe('no failed units\n');
    expect(journalCalls(g)[1]).toEqual(['journalctl', '--no-pager', '--directory', '/var/log/journal', '-o', 'json', '_BOOT_ID=0a9f3204649a4a3d9e5d01e417d2c897',
      'MESSAGE_ID=d9b373ed55a64feb8242e02dbe79a49c', 'MESSAGE_ID=be02cf6855d2428ba40df7e9d022f03d', 'MESSAGE_ID=39f53479d3a045ac8e11786248231fbf']);
  });

  it('boot-time: the "Startup finished" split and the slowest units', async () => {
    const g = booted();
    const data = await json(g, 'boot-time -n 2');
    expect(data).toMatchObject({ source: 'journal', boot: '0a9f3204649a4a3d9e5d01e417d2c897', split: { kernelUsec: 20577156, userspaceUsec: 79721965, totalUsec: 100299121 } });
    expect(data.slowest.map((r: { unit: string }) => r.unit)).toEqual(['e2scrub_reap.service', 'networking.service']);
    const human = await ok(g, ['boot-time -n 2']);
    expect(human.stdout.split('\n').slice(0, 2)).toEqual(['Startup finished in 20.577s (kernel) + 1min 19.721s (userspace) = 1min 40.299s', 'TIME     UNIT']);
    expect(human.stdout).toMatch(/^18\.059s +networking\.service$/m);
  });

  const neverBooted = 'error: the guest has never booted (no journal in /var/log/journal, no /var/log/syslog or /var/log/messages)';
  it.each(['logs ssh', 'failed', 'boot-time'])('%s on an image that has never booted says so', async (line) => {
    const g = fakeGuest({ kind: 'image', os: { type: 'linux', initSystem: 'systemd' }, files: { '/var/log/journal': dir(), '/usr/bin/journalctl': '' }, exec: { journalctl } });
    expect(await fails(g, line)).toBe(neverBooted);
    expect(journalCalls(g)).toEqual([]);
  });

  it('logs without a journal: the unit\'s lines of /var/log/syslog; failed needs the journal', async () => {
    const syslog = 'Dec  4 18:13:11 deb12 sshd[307]: Received signal 15; terminating.\nDec  4 18:13:12 deb12 cron[5]: other\n';
    const g = fakeGuest({ kind: 'image', os: { type: 'linux', initSystem: 'systemd' }, files: { '/var/log/syslog': syslog } });
    const r = await ok(g, ['logs sshd']);
    expect(r.stdout).toBe('Dec  4 18:13:11 deb12 sshd[307]: Received signal 15; terminating.\n');
    expect(r.stderr).toBe('note: no journal in the guest: lines from /var/log/syslog\n');
    expect(await fails(g, 'logs sshd --boot 0')).toBe('error: --boot, --since and --priority need the systemd journal, and the guest only keeps /var/log/syslog');
    expect(await fails(g, 'failed')).toBe('error: failed needs the systemd journal, and the guest only keeps /var/log/syslog');
  });

  it.each([
    ['the journal directory', { '/var/log/journal': link('/etc') }, 'error: /var/log/journal is a symlink, not a directory: refusing to read the journal through it'],
    ['the machine-id directory', { '/var/log/journal': dir(), [`/var/log/journal/${MID}`]: link('/etc') }, `error: /var/log/journal/${MID} is a symlink: refusing to read the journal through it`],
    ['a journal file', { [`/var/log/journal/${MID}/system.journal`]: link('/etc/shadow') }, `error: /var/log/journal/${MID}/system.journal is a symlink, not a journal file: refusing to read the journal`],
  ])('a symlink as %s is refused', async (_, files, message) => {
    const g = fakeGuest({ kind: 'image', os: { type: 'linux', initSystem: 'systemd' }, files: files as Record<string, FileSpec>, exec: { journalctl } });
    expect(await fails(g, 'logs')).toBe(message);
    expect(journalCalls(g)).toEqual([]);
  });

  it('live: logs, failed and boot-time run through the agent as before', async () => {
    const g = fakeGuest({
      kind: 'live',
      os: { type: 'linux', initSystem: 'systemd' },
      exec: {
        journalctl,
        systemctl,
        'systemd-analyze': (argv) => ({ stdout: argv[1] === 'time' ? 'Startup finished in 2.1s (kernel) + 5.2s (userspace) = 7.3s\n' : '  5.001s networking.service\n  1.2s ssh.service\n' }),
      },
    });
    await ok(g, ['logs ssh -n 5']);
    expect(journalCalls(g)).toEqual([['journalctl', '--no-pager', '-u', 'ssh', '-n', '5']]);
    expect(await json(g, 'failed')).toContainEqual({ unit: 'nginx.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'A high performance web server' });
    expect(await json(g, 'boot-time -n 1')).toEqual({ source: 'systemd-analyze', time: 'Startup finished in 2.1s (kernel) + 5.2s (userspace) = 7.3s', blame: ['5.001s networking.service'] });
  });
});
