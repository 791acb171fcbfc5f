import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJournalRecords } from '../../src/parsers/journal-fields.js';
import { blame, failedUnits, lastBootId, startupSplit } from '../../src/journal/boot-analysis.js';
import { UNIT_FAILED, UNIT_RESULT, UNIT_STARTED } from '../../src/journal/message-ids.js';
import { syslogIdentifier, syslogTail } from '../../src/parsers/syslog-lines.js';

// journal-debian12-boot.jsonl: `journalctl -o json MESSAGE_ID=<starting> MESSAGE_ID=<started>
// MESSAGE_ID=<startup finished>` of the Debian 12 fixture booted once under TCG and shut down
// (fields cut to the ones systemd sets on these messages).
const sample = (name: string) => readFileSync(new URL(`samples/${name}`, import.meta.url), 'utf8');
const boot = parseJournalRecords(sample('journal-debian12-boot.jsonl'));
const BOOT = '0a9f3204649a4a3d9e5d01e417d2c897';

describe('boot analysis of a real Debian 12 journal', () => {
  it('the last boot is the one of the last record', () => {
    expect(lastBootId(boot)).toBe(BOOT);
    expect(lastBootId([])).toBeNull();
  });

  it('"Startup finished": kernel and userspace, as systemd said it', () => {
    expect(startupSplit(boot, BOOT)).toEqual({
      firmwareUsec: null, loaderUsec: null, kernelUsec: 20577156, initrdUsec: null, userspaceUsec: 79721965, totalUsec: 100299121,
      message: 'Startup finished in 20.577s (kernel) + 1min 19.721s (userspace) = 1min 40.299s.',
    });
    expect(startupSplit(boot, 'another-boot')).toBeNull();
  });

  it('blame: Starting → Started per unit, slowest first', () => {
    const rows = blame(boot, BOOT);
    // ssh.service: Starting at 88611042 µs, Started at 96262876 µs (monotonic).
    expect(rows.find((r) => r.unit === 'ssh.service')).toEqual({ unit: 'ssh.service', usec: 96262876 - 88611042 });
    expect(rows[0]!.unit).toBe('e2scrub_reap.service');
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.usec).toBeLessThanOrEqual(rows[i - 1]!.usec);
  });

  it('no failures in that boot', () => {
    expect(failedUnits(boot, BOOT)).toEqual([]);
  });
});

describe('failedUnits: the last state of each unit in the boot', () => {
  // Shaped like systemd 252's messages for a unit whose ExecStart exits 1.
  const rec = (unit: string, id: string, extra: Record<string, string> = {}, b = BOOT) => ({ _BOOT_ID: b, UNIT: unit, MESSAGE_ID: id, __REALTIME_TIMESTAMP: '1796407981003203', ...extra });
  const fail = (unit: string, b = BOOT) => [
    rec(unit, UNIT_RESULT, { UNIT_RESULT: 'exit-code', MESSAGE: `${unit}: Failed with result 'exit-code'.` }, b),
    rec(unit, UNIT_FAILED, { JOB_RESULT: 'failed', MESSAGE: `Failed to start ${unit}.` }, b),
  ];

  it.each([
    ['failed once', fail('a.service'), ['a.service']],
    ['failed, then started', [...fail('a.service'), rec('a.service', UNIT_STARTED)], []],
    ['started, then failed', [rec('a.service', UNIT_STARTED), ...fail('a.service')], ['a.service']],
    ['failed in an earlier boot only', [...fail('a.service', 'old'), rec('b.service', UNIT_STARTED)], []],
    ['a job that was cancelled is no failure', [rec('a.service', UNIT_FAILED, { JOB_RESULT: 'dependency' })], []],
  ])('%s', (_, records, units) => {
    expect(failedUnits(records, BOOT).map((f) => f.unit)).toEqual(units);
  });

  it('keeps the unit result and the "Failed with result" message', () => {
    expect(failedUnits(fail('a.service'), BOOT)).toEqual([
      { unit: 'a.service', result: 'exit-code', message: "a.service: Failed with result 'exit-code'.", time: '2026-12-04T18:13:01.003Z' },
    ]);
  });
});

describe('parseJournalRecords', () => {
  it('keeps every string field and decodes binary ones', () => {
    const [r] = parseJournalRecords('{"MESSAGE":[104,105],"_PID":"7","X":null}\n');
    expect(r).toEqual({ MESSAGE: 'hi', _PID: '7' });
  });
  it('reads the real ssh sample', () => {
    const recs = parseJournalRecords(sample('journal-debian12-ssh.jsonl'));
    expect(recs).toHaveLength(5);
    expect(recs.at(-1)!.MESSAGE).toBe('ssh.service: Consumed 2.122s CPU time.');
  });
});

describe('syslog lines', () => {
  const text = [
    'Dec  4 18:13:11 deb12 sshd[307]: Received signal 15; terminating.',
    'Dec  4 18:13:11 deb12 systemd[1]: Stopping ssh.service - OpenBSD Secure Shell server...',
    '2024-05-01T10:00:00.123456+00:00 deb12 CRON[99]: (root) CMD (true)',
    '2024-05-01T10:00:01.000000+00:00 deb12 cron[98]: (CRON) INFO (Running @reboot jobs)',
    'Dec  4 18:13:12 deb12 kernel: [    0.0] Linux version',
  ].join('\n');
  it.each([
    ['Dec  4 18:13:11 deb12 sshd[307]: x', 'sshd'],
    ['2024-05-01T10:00:00+00:00 h kernel: x', 'kernel'],
    ['not a syslog line', null],
  ])('identifier of %j', (line, id) => expect(syslogIdentifier(line)).toBe(id));
  it('the lines of a unit: its program or its unit name', () => {
    expect(syslogTail(text, 'ssh', 5)).toEqual([text.split('\n')[1]]);
    expect(syslogTail(text, 'sshd', 5)).toEqual([text.split('\n')[0]]);
    expect(syslogTail(text, 'cron.service', 5)).toEqual([text.split('\n')[3]]);
    expect(syslogTail(text, null, 2)).toEqual(text.split('\n').slice(-2));
  });
});
