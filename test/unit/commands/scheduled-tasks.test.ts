import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FakeGuest, type FileSpec } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';

// cron-list, cron-add, cron-remove on fake guests shaped like Debian 12 (the e2e fixture's cron
// files) and RHEL 9 (cronie's spool). test/e2e/cron.test.ts checks with the guest's own crontab.

const sample = (name: string) => readFileSync(new URL(`../samples/cron/${name}`, import.meta.url), 'utf8');
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n';

function debian(extra: Record<string, FileSpec> = {}, kind: 'image' | 'live' = 'image') {
  return fakeGuest({
    kind,
    os: { distro: 'debian', packageFormat: 'deb', initSystem: 'systemd' },
    files: {
      '/etc/passwd': PASSWD,
      '/etc/group': 'root:x:0:\ncrontab:x:101:\nalice:x:1000:\n',
      '/etc/crontab': sample('debian12-crontab'),
      '/etc/cron.d/e2scrub_all': sample('debian12-cron.d-e2scrub_all'),
      '/etc/cron.d/.placeholder': '# DO NOT EDIT OR REMOVE\n',
      '/etc/cron.d/my.job': '0 1 * * * root /bin/true\n',
      '/etc/cron.daily/apt-compat': file('#!/bin/sh\n', { mode: 0o755 }),
      '/etc/cron.daily/backup.sh': file('#!/bin/sh\n', { mode: 0o755 }),
      '/etc/cron.weekly/notexec': file('#!/bin/sh\n', { mode: 0o644 }),
      '/var/spool/cron/crontabs': dir({ mode: 0o1730, gid: 101 }),
      '/var/spool/cron/crontabs/alice': file(sample('debian12-user-crontab'), { mode: 0o600, uid: 1000, gid: 101 }),
      '/lib': link('usr/lib'),
      '/usr/lib/systemd/system/apt-daily.timer': sample('debian12-apt-daily.timer'),
      '/usr/lib/systemd/system/dpkg-db-backup.timer': sample('debian12-dpkg-db-backup.timer'),
      '/usr/lib/systemd/system/systemd-tmpfiles-clean.timer': sample('debian12-systemd-tmpfiles-clean.timer'),
      '/usr/lib/systemd/system/timers.target.wants/systemd-tmpfiles-clean.timer': link('../systemd-tmpfiles-clean.timer'),
      '/etc/systemd/system/timers.target.wants/apt-daily.timer': link('/lib/systemd/system/apt-daily.timer'),
      ...extra,
    },
  });
}

function rhel(extra: Record<string, FileSpec> = {}) {
  return fakeGuest({
    os: { distro: 'rhel', packageFormat: 'rpm', initSystem: 'systemd' },
    files: {
      '/etc/passwd': PASSWD,
      '/etc/group': 'root:x:0:\nalice:x:1000:\n',
      '/etc/crontab': sample('fedora-crontab'),
      '/etc/cron.d/0hourly': sample('fedora-cron.d-0hourly'),
      '/etc/cron.d/raid-check': sample('rhel9-cron.d-raid-check'),
      '/etc/cron.daily/backup.sh': file('#!/bin/sh\n', { mode: 0o755 }),
      '/var/spool/cron': dir({ mode: 0o700 }),
      '/usr/lib/systemd/system/dnf-makecache.timer': sample('fedora-dnf-makecache.timer'),
      ...extra,
    },
  });
}

const run = (g: FakeGuest, line: string, json = true) => runLine(line, { guest: g, json });
const text = async (g: FakeGuest, path: string) => (await g.fs.readFile(path)).toString('utf8');
const brief = (entries: { source: string; file: string; line: number | null; user: string; schedule: string; command: string; active: boolean; note: string | null }[]) =>
  entries.map((e) => `${e.source} ${e.file}${e.line === null ? '' : `:${e.line}`} ${e.user} [${e.schedule}] ${e.command}${e.active ? '' : ` (${e.note})`}`);

describe('cron-list', () => {
  it('Debian: system crontab, cron.d, periodic scripts with run-parts rules, user crontabs, timers enabled or not', async () => {
    const r = await run(debian(), 'cron-list');
    expect(r.code).toBe(0);
    expect(brief((r.data as { entries: never[] }).entries)).toEqual([
      'crontab /etc/crontab:18 root [17 * * * *] cd / && run-parts --report /etc/cron.hourly',
      'crontab /etc/crontab:19 root [25 6 * * *] test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }',
      'crontab /etc/crontab:20 root [47 6 * * 7] test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }',
      'crontab /etc/crontab:21 root [52 6 1 * *] test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }',
      'cron.d /etc/cron.d/e2scrub_all:1 root [30 3 * * 0] test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron',
      'cron.d /etc/cron.d/e2scrub_all:2 root [10 3 * * *] test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r',
      'cron.d /etc/cron.d/my.job:1 root [0 1 * * *] /bin/true (skipped: the name has characters other than letters, digits, _ and - (a dot, for one))',
      'periodic /etc/cron.daily/apt-compat root [daily] /etc/cron.daily/apt-compat',
      'periodic /etc/cron.daily/backup.sh root [daily] /etc/cron.daily/backup.sh (run-parts skipped: the name has characters other than letters, digits, _ and - (a dot, for one))',
      'periodic /etc/cron.weekly/notexec root [weekly] /etc/cron.weekly/notexec (run-parts skipped: not executable)',
      'user /var/spool/cron/crontabs/alice:5 alice [@reboot] /home/alice/bin/start-agent',
      'user /var/spool/cron/crontabs/alice:6 alice [*/15 9-17 * * mon-fri] /home/alice/bin/poll --since "$(date +\\%F)"',
      'timer /usr/lib/systemd/system/apt-daily.timer root [OnCalendar=*-*-* 6,18:00] apt-daily.service',
      'timer /usr/lib/systemd/system/dpkg-db-backup.timer root [OnCalendar=daily] dpkg-db-backup.service (not enabled)',
      'timer /usr/lib/systemd/system/systemd-tmpfiles-clean.timer root [OnBootSec=15min, OnUnitActiveSec=1d] systemd-tmpfiles-clean.service',
    ]);
  });

  it('--user keeps only that user\'s jobs; the table escapes guest text', async () => {
    const r = await run(debian(), 'cron-list --user alice');
    expect((r.data as { entries: { user: string }[] }).entries.map((e) => e.user)).toEqual(['alice', 'alice']);
    const t = await run(debian({ '/var/spool/cron/crontabs/alice': file('@daily echo \x1b[31mred\n', { uid: 1000, mode: 0o600 }) }), 'cron-list --user alice', false);
    expect(t.stdout).toContain('\\e[31mred');
    expect(t.stdout).not.toContain('\x1b[31m');
  });

  it('a spool crontab that is a symlink is not read; an orphan crontab is marked', async () => {
    const g = debian({ '/var/spool/cron/crontabs/mallory': link('/etc/shadow'), '/etc/shadow': 'root:SECRET:1::::::\n', '/var/spool/cron/crontabs/ghost': '@daily /bin/true\n' });
    const r = await run(g, 'cron-list');
    const entries = (r.data as { entries: { file: string; note: string | null; command: string }[] }).entries;
    expect(entries.find((e) => e.file.endsWith('/mallory'))).toMatchObject({ note: 'not read: a symlink, which cron ignores', command: '' });
    expect(entries.find((e) => e.file.endsWith('/ghost'))?.note).toBe('ignored by cron: no such user');
    expect(JSON.stringify(r.data)).not.toContain('SECRET');
  });

  it('RHEL: cronie spool, run-parts keeps names with dots, dnf-makecache.timer not enabled', async () => {
    const g = rhel({ '/var/spool/cron/alice': file('0 3 * * * /home/alice/x\n', { uid: 1000, mode: 0o600 }) });
    const r = await run(g, 'cron-list');
    expect(brief((r.data as { entries: never[] }).entries)).toEqual([
      'cron.d /etc/cron.d/0hourly:5 root [01 * * * *] run-parts /etc/cron.hourly',
      'cron.d /etc/cron.d/raid-check:2 root [0 1 * * Sun] /usr/sbin/raid-check',
      'periodic /etc/cron.daily/backup.sh root [daily] /etc/cron.daily/backup.sh',
      'user /var/spool/cron/alice:1 alice [0 3 * * *] /home/alice/x',
      'timer /usr/lib/systemd/system/dnf-makecache.timer root [OnBootSec=10min, OnUnitInactiveSec=1h] dnf-makecache.service (not enabled)',
    ]);
  });
});

describe('cron-add', () => {
  it("the issue's example as written: root's Debian crontab, 0600 root:crontab", async () => {
    const g = debian();
    const r = await run(g, "cron-add '0 2 * * *' /usr/local/bin/backup.sh");
    expect(r.code).toBe(0);
    expect(await text(g, '/var/spool/cron/crontabs/root')).toBe('0 2 * * * /usr/local/bin/backup.sh\n');
    expect(await g.fs.stat('/var/spool/cron/crontabs/root')).toMatchObject({ mode: 0o600, uid: 0, gid: 101 });
    expect(r.data).toMatchObject({ file: '/var/spool/cron/crontabs/root', created: true, changed: true });
    const again = await run(g, "cron-add '0 2 * * *' /usr/local/bin/backup.sh");
    expect(again.data).toMatchObject({ changed: false });
    expect(await text(g, '/var/spool/cron/crontabs/root')).toBe('0 2 * * * /usr/local/bin/backup.sh\n');
  });

  it("a user's crontab keeps its header and gets the line after it; % is escaped; -- passes options to the command", async () => {
    const g = debian();
    const r = await run(g, "cron-add --user alice @hourly -- date +%F --utc");
    expect(r.stderr).toContain('\\%');
    expect(await text(g, '/var/spool/cron/crontabs/alice')).toBe(`${sample('debian12-user-crontab')}@hourly date +\\%F --utc\n`);
    expect(await g.fs.stat('/var/spool/cron/crontabs/alice')).toMatchObject({ mode: 0o600, uid: 1000, gid: 101 });
  });

  it('--file: /etc/cron.d/NAME 0644 root:root with the user field', async () => {
    const g = debian();
    await run(g, "cron-add --file nightly --user alice '30 1 * * mon-fri' /home/alice/bin/sync");
    expect(await text(g, '/etc/cron.d/nightly')).toBe('30 1 * * mon-fri alice /home/alice/bin/sync\n');
    expect(await g.fs.stat('/etc/cron.d/nightly')).toMatchObject({ mode: 0o644, uid: 0, gid: 0 });
  });

  it('RHEL: /var/spool/cron/USER, USER:root 0600', async () => {
    const g = rhel();
    await run(g, "cron-add --user alice '*/5 * * * *' /home/alice/x");
    expect(await text(g, '/var/spool/cron/alice')).toBe('*/5 * * * * /home/alice/x\n');
    expect(await g.fs.stat('/var/spool/cron/alice')).toMatchObject({ mode: 0o600, uid: 1000, gid: 0 });
  });

  it('--dry-run shows the diff and writes nothing; works the same on a running guest', async () => {
    const g = debian({}, 'live');
    const r = await run(g, "cron-add '0 2 * * *' /x --dry-run", false);
    expect(r.stdout).toContain('+0 2 * * * /x');
    expect(await g.fs.exists('/var/spool/cron/crontabs/root')).toBe(false);
    expect((await run(g, "cron-add '0 2 * * *' /x")).code).toBe(0);
    expect(await text(g, '/var/spool/cron/crontabs/root')).toBe('0 2 * * * /x\n');
  });

  it.each([
    ["cron-add '0 25 * * *' /x", "schedule: hour field '0 25 * * *'".slice(0, 0) + "schedule: hour field '25': 25 is out of range 0-23"],
    ['cron-add 0 2 * * * /x', "schedule: a schedule has five fields"],
    ["cron-add --file my.job '0 2 * * *' /x", '--file my.job: cron would not read it'],
    ["cron-add --file ../x '0 2 * * *' /x", '--file ../x: cron would not read it (a name, not a path)'],
    ["cron-add --user bob '0 2 * * *' /x", "no user bob in the guest's /etc/passwd"],
  ])('%s is refused: %s', async (line, error) => {
    const g = debian();
    const r = await run(g, line);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(error);
    expect(await g.fs.exists('/var/spool/cron/crontabs/root')).toBe(false);
  });

  it('a spool crontab that is a symlink is refused, its target untouched', async () => {
    const g = debian({ '/var/spool/cron/crontabs/root': link('/etc/shadow'), '/etc/shadow': 'root:SECRET:1::::::\n' });
    const r = await run(g, "cron-add '0 2 * * *' /x");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/var/spool/cron/crontabs/root is a symlink, not a regular file: not touched');
    expect(await text(g, '/etc/shadow')).toBe('root:SECRET:1::::::\n');
  });

  it('a guest without cron: one line saying so', async () => {
    const g = fakeGuest({ os: { packageFormat: 'deb' }, files: { '/etc/passwd': PASSWD } });
    const r = await run(g, "cron-add '0 2 * * *' /x");
    expect(r.stderr).toContain('no cron spool directory');
  });
});

describe('cron-remove', () => {
  it('removes the matching job lines, keeps comments and env lines', async () => {
    const g = debian();
    const r = await run(g, 'cron-remove --user alice poll');
    expect(r.data).toMatchObject({ lines: ['*/15 9-17 * * mon-fri /home/alice/bin/poll --since "$(date +\\%F)"'] });
    expect(await text(g, '/var/spool/cron/crontabs/alice')).toBe(sample('debian12-user-crontab').split('\n').filter((l) => !l.includes('poll')).join('\n'));
  });

  it('--line N, --dry-run, and nothing matching is an error', async () => {
    const g = debian();
    const d = await run(g, 'cron-remove --file e2scrub_all --line 2 --dry-run', false);
    expect(d.stdout).toContain('-10 3 * * * root');
    expect(await text(g, '/etc/cron.d/e2scrub_all')).toBe(sample('debian12-cron.d-e2scrub_all'));
    await run(g, 'cron-remove --file e2scrub_all --line 2');
    expect(await text(g, '/etc/cron.d/e2scrub_all')).toBe(sample('debian12-cron.d-e2scrub_all').split('\n').filter((l) => !l.startsWith('10 3')).join('\n'));
    expect((await run(g, 'cron-remove nothing-like-this')).stderr).toContain('does not exist');
    expect((await run(g, 'cron-remove --file e2scrub_all nothing-like-this')).stderr).toContain("no job line in /etc/cron.d/e2scrub_all contains 'nothing-like-this'");
    expect((await run(g, 'cron-remove')).code).toBe(2);
  });
});
