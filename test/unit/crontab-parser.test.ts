import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapePercent, parseCrontab, scheduleError } from '../../src/parsers/crontab.js';
import { parseTimerUnit } from '../../src/parsers/systemd-timer.js';
import { appendCronJob, removeCronLines } from '../../src/editors/crontab.js';

// Real crontabs and timer units from Debian 12 (the e2e fixture), Ubuntu 22.04, Fedora and RHEL 9.

const sample = (name: string) => readFileSync(new URL(`samples/cron/${name}`, import.meta.url), 'utf8');
const jobs = (text: string, system: boolean) => parseCrontab(text, system).filter((l) => l.kind === 'job');

describe('parseCrontab', () => {
  it('Debian 12 /etc/crontab: env lines, the four run-parts jobs with their user field, comments kept apart', () => {
    const lines = parseCrontab(sample('debian12-crontab'), true);
    expect(lines.filter((l) => l.kind === 'env').map((l) => l.kind === 'env' && [l.name, l.value])).toEqual([
      ['SHELL', '/bin/sh'],
      ['PATH', '/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin'],
    ]);
    expect(jobs(sample('debian12-crontab'), true).map((j) => j.kind === 'job' && [j.line, j.schedule, j.user, j.command])).toEqual([
      [18, '17 * * * *', 'root', 'cd / && run-parts --report /etc/cron.hourly'],
      [19, '25 6 * * *', 'root', 'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }'],
      [20, '47 6 * * 7', 'root', 'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }'],
      [21, '52 6 1 * *', 'root', 'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }'],
    ]);
    expect(lines.some((l) => l.kind === 'invalid')).toBe(false);
  });

  it.each([
    ['debian12-cron.d-e2scrub_all', [['30 3 * * 0', 'root'], ['10 3 * * *', 'root']]],
    ['ubuntu2204-crontab', [['17 * * * *', 'root'], ['25 6 * * *', 'root'], ['47 6 * * 7', 'root'], ['52 6 1 * *', 'root']]],
    ['ubuntu2204-cron.d-sysstat', [['5-55/10 * * * *', 'root'], ['59 23 * * *', 'root']]],
    ['fedora-crontab', []],
    ['fedora-cron.d-0hourly', [['01 * * * *', 'root']]],
    ['rhel9-cron.d-raid-check', [['0 1 * * Sun', 'root']]],
  ])('%s: every job with its schedule and user, nothing invalid', (name, expected) => {
    const lines = parseCrontab(sample(name), true);
    expect(lines.filter((l) => l.kind === 'job').map((j) => j.kind === 'job' && [j.schedule, j.user])).toEqual(expected);
    expect(lines.filter((l) => l.kind === 'invalid')).toEqual([]);
  });

  it('a Debian user crontab: the crontab(1) header is comments, @reboot and name ranges are jobs without a user field', () => {
    const lines = parseCrontab(sample('debian12-user-crontab'), false);
    expect(lines.slice(0, 3).map((l) => l.kind)).toEqual(['comment', 'comment', 'comment']);
    expect(lines[3]).toMatchObject({ kind: 'env', name: 'MAILTO', value: 'alice@example.org' });
    expect(jobs(sample('debian12-user-crontab'), false).map((j) => j.kind === 'job' && [j.schedule, j.user, j.command])).toEqual([
      ['@reboot', null, '/home/alice/bin/start-agent'],
      ['*/15 9-17 * * mon-fri', null, '/home/alice/bin/poll --since "$(date +\\%F)"'],
    ]);
  });

  it('a job line cron would reject is reported with the reason', () => {
    expect(parseCrontab('61 * * * * root true\n* * * * *\nfoo bar\n', true).map((l) => l.kind === 'invalid' && l.error)).toEqual([
      "minute field '61': 61 is out of range 0-59",
      'no user and command after the schedule',
      'neither a job, an environment setting nor a comment',
    ]);
  });
});

describe('scheduleError', () => {
  it.each(['0 2 * * *', '*/5 * * * *', '0 0-23/2 * * *', '0 9 1,15 * mon-fri', '0 0 * jan-mar,dec 7', '30 4 * * SUN', '@reboot', '@daily', '@Midnight', '@annually', '5-55/10 * * * *'])('%s is valid', (s) => {
    expect(scheduleError(s)).toBeNull();
  });

  it.each([
    ['0 24 * * *', "hour field '24': 24 is out of range 0-23"],
    ['* * 0 * *', "day-of-month field '0': 0 is out of range 1-31"],
    ['* * * 13 *', "month field '13': 13 is out of range 1-12"],
    ['* * * * 8', "day-of-week field '8': 8 is out of range 0-7"],
    ['* * * foo *', "month field 'foo': 'foo' is neither a number nor a name (jan-dec)"],
    ['*/0 * * * *', "minute field '*/0': step '0' in '*/0' is not a positive number"],
    ['5/10 * * * *', "minute field '5/10': a step needs a range or '*' ('5-59/10', not '5/10')"],
    ['10-5 * * * *', "minute field '10-5': range '10-5' goes backwards"],
    ['1,,2 * * * *', "minute field '1,,2': '1,,2' has an empty list item"],
    ['0 2 * *', "a schedule has five fields (minute hour day-of-month month day-of-week) or is one of @reboot @yearly @annually @monthly @weekly @daily @midnight @hourly; '0 2 * *' has 4"],
    ['@fortnightly', "'@fortnightly' is not one of @reboot @yearly @annually @monthly @weekly @daily @midnight @hourly"],
  ])('%s: %s', (s, error) => {
    expect(scheduleError(s)).toBe(error);
  });
});

describe('escapePercent', () => {
  it.each([
    ['date +%F', 'date +\\%F'],
    ['date +\\%F', 'date +\\%F'],
    ['printf 100%%', 'printf 100\\%\\%'],
    ['echo \\\\%', 'echo \\\\\\%'],
    ['/usr/local/bin/backup.sh', '/usr/local/bin/backup.sh'],
  ])('%s -> %s', (a, b) => expect(escapePercent(a)).toBe(b));
});

describe('crontab editor', () => {
  it('appends a job, creating the file or adding the missing final newline; removes lines keeping the rest byte for byte', () => {
    expect(appendCronJob(null, '0 2 * * * /x')).toBe('0 2 * * * /x\n');
    expect(appendCronJob('MAILTO=a', '@daily /y')).toBe('MAILTO=a\n@daily /y\n');
    const text = sample('debian12-cron.d-e2scrub_all');
    const added = appendCronJob(text, '0 2 * * * root /z');
    expect(added).toBe(`${text}0 2 * * * root /z\n`);
    expect(removeCronLines(added, [added.split('\n').length - 1])).toBe(text);
    expect(removeCronLines('a\n', [1])).toBe('');
  });
});

describe('parseTimerUnit', () => {
  it.each([
    ['debian12-apt-daily.timer', 'apt-daily.timer', [['OnCalendar', '*-*-* 6,18:00']], 'apt-daily.service', true],
    ['debian12-dpkg-db-backup.timer', 'dpkg-db-backup.timer', [['OnCalendar', 'daily']], 'dpkg-db-backup.service', false],
    ['debian12-e2scrub_all.timer', 'e2scrub_all.timer', [['OnCalendar', 'Sun *-*-* 03:10:00']], 'e2scrub_all.service', true],
    ['debian12-systemd-tmpfiles-clean.timer', 'systemd-tmpfiles-clean.timer', [['OnBootSec', '15min'], ['OnUnitActiveSec', '1d']], 'systemd-tmpfiles-clean.service', false],
    ['fedora-dnf-makecache.timer', 'dnf-makecache.timer', [['OnBootSec', '10min'], ['OnUnitInactiveSec', '1h']], 'dnf-makecache.service', false],
  ])('%s: triggers, the unit it starts, Persistent', (file, name, triggers, unit, persistent) => {
    const t = parseTimerUnit(name, sample(file));
    expect(t.triggers.map((x) => [x.key, x.value])).toEqual(triggers);
    expect(t.unit).toBe(unit);
    expect(t.persistent).toBe(persistent);
  });

  it('an empty assignment resets the list, Unit= names another unit', () => {
    const t = parseTimerUnit('x.timer', '[Timer]\nOnCalendar=daily\nOnCalendar=\nOnCalendar=weekly\nUnit=y.service\n');
    expect(t.triggers).toEqual([{ key: 'OnCalendar', value: 'weekly' }]);
    expect(t.unit).toBe('y.service');
  });
});
