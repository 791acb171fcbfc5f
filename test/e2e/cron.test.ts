import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { shellOk as ok } from '../helpers/shell-ok.js';

// cron-add / cron-list / cron-remove through the real CLI on the Debian fixture (cron installed),
// checked from a new process with the guest's own `crontab -l -u USER` and `stat` in the jail.

const dir = tempDir('guestctl-cron-');
const canary = `/tmp/guestctl-cron-canary-${process.pid}`;

beforeAll(() => writeFileSync(canary, 'HOST CANARY\n'));

afterAll(() => {
  expect(readFileSync(canary, 'utf8')).toBe('HOST CANARY\n');
  rmSync(canary, { force: true });
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

interface Entry {
  source: string;
  file: string;
  user: string;
  schedule: string;
  command: string;
  active: boolean;
}

const list = async (img: string): Promise<Entry[]> => JSON.parse((await ok(img, ['cron-list'], ['--json'])).stdout).entries;
const guestOut = async (img: string, cmd: string) => (await ok(img, [`run ${cmd}`])).stdout;

describe('cron on the Debian fixture', () => {
  it("cron-add for root (the issue's example), a new user and a cron.d file; the guest's crontab agrees; cron-remove takes them out", async () => {
    const img = await workCopy('debian', dir.path);
    await ok(img, [
      'adduser alice',
      "cron-add '0 2 * * *' /usr/local/bin/backup.sh",
      "cron-add --user alice '*/15 9-17 * * mon-fri' -- date +%F --utc",
      "cron-add --file nightly --user alice @daily /usr/bin/true",
    ]);

    // From a new process: the guest's own crontab reads what was written.
    expect(await guestOut(img, 'crontab -l -u root')).toContain('0 2 * * * /usr/local/bin/backup.sh\n');
    expect(await guestOut(img, 'crontab -l -u alice')).toContain('*/15 9-17 * * mon-fri date +\\%F --utc\n');
    expect(await guestOut(img, 'cat /etc/cron.d/nightly')).toBe('@daily alice /usr/bin/true\n');
    const modes = await guestOut(img, "stat -c '%n %a %U %G' /var/spool/cron/crontabs /var/spool/cron/crontabs/root /var/spool/cron/crontabs/alice /etc/cron.d/nightly");
    expect(modes.trim().split('\n')).toEqual([
      '/var/spool/cron/crontabs 1730 root crontab',
      '/var/spool/cron/crontabs/root 600 root crontab',
      '/var/spool/cron/crontabs/alice 600 alice crontab',
      '/etc/cron.d/nightly 644 root root',
    ]);

    const entries = await list(img);
    const has = (pred: (e: Entry) => boolean) => expect(entries.some(pred), JSON.stringify(entries, null, 1)).toBe(true);
    has((e) => e.source === 'user' && e.user === 'root' && e.schedule === '0 2 * * *' && e.command === '/usr/local/bin/backup.sh' && e.active);
    has((e) => e.source === 'user' && e.user === 'alice' && e.command === 'date +\\%F --utc');
    has((e) => e.source === 'cron.d' && e.file === '/etc/cron.d/nightly' && e.user === 'alice' && e.schedule === '@daily');
    has((e) => e.source === 'cron.d' && e.file === '/etc/cron.d/e2scrub_all' && e.active);
    has((e) => e.source === 'crontab' && e.command.includes('run-parts --report /etc/cron.daily'));
    has((e) => e.source === 'periodic' && e.file === '/etc/cron.daily/dpkg' && e.active);
    has((e) => e.source === 'timer' && e.file.endsWith('/apt-daily.timer') && e.schedule === 'OnCalendar=*-*-* 6,18:00' && e.active);
    has((e) => e.source === 'timer' && e.file.endsWith('/e2scrub_all.timer') && e.command === 'e2scrub_all.service' && e.active);
    has((e) => e.source === 'timer' && e.file.endsWith('/dpkg-db-backup.timer') && e.active);

    await ok(img, ['cron-remove backup.sh', 'cron-remove --user alice date', 'cron-remove --file nightly /usr/bin/true']);
    expect(await guestOut(img, 'crontab -l -u root')).not.toContain('backup.sh');
    expect(await guestOut(img, 'crontab -l -u alice')).not.toContain('date');
    expect(await guestOut(img, 'cat /etc/cron.d/nightly')).toBe('');
    const after = await list(img);
    expect(after.filter((e) => e.user === 'alice')).toEqual([]);
  });

  it('a bad schedule is one line naming the field, and nothing is written', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ["cron-add '0 2 * 13 *' /x"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("error: schedule: month field '13': 13 is out of range 1-12\n");
    expect((await shell(img, ['run test -e /var/spool/cron/crontabs/root'])).code).not.toBe(0);
  });
});

describe('cron on the hostile image', () => {
  it('a spool crontab that is a link to a host path is never read or written', async () => {
    const img = await workCopy('hostile', dir.path);
    await ok(img, ['mkdir -p /var/spool/cron/crontabs', `symlink ${canary} /var/spool/cron/crontabs/root`, `write ${canary} "GUEST SIDE\\n"`]);
    const l = await ok(img, ['cron-list'], ['--json']);
    expect(l.stdout).not.toContain('CANARY');
    expect(l.stdout).not.toContain('GUEST SIDE');
    expect(JSON.parse(l.stdout).entries).toContainEqual(expect.objectContaining({ file: '/var/spool/cron/crontabs/root', note: 'not read: a symlink, which cron ignores' }));
    const add = await shell(img, ["cron-add '0 2 * * *' /x"]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('/var/spool/cron/crontabs/root is a symlink, not a regular file: not touched');
    const rm = await shell(img, ['cron-remove x']);
    expect(rm.code).toBe(1);
    expect(await guestOut(img, `cat ${canary}`)).toBe('GUEST SIDE\n');
    expect(existsSync(canary)).toBe(true);
  });
});
