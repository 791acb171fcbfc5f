import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// Cleanup and sysprep on copies of the Debian fixture with planted files; every effect is
// checked from a new process with the guest's own du, stat, systemctl and pwck.

const dir = tempDir('guestctl-cleanup-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));
const du = async (img: string, path: string) => Number((await ok(img, [`run du -sb ${path}`])).stdout.split('\t')[0]);
const MiB = 1 << 20;

describe('clean-* on the Debian 12 fixture', () => {
  let img: string;
  const blob = join(dir.path, 'blob');
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    writeFileSync(blob, Buffer.alloc(2 * MiB, 7));
    await ok(img, [
      `upload ${blob} /var/log/syslog.1`,
      `upload ${blob} /var/log/syslog.2.gz`,
      `upload ${blob} /var/log/old.log`,
      'run touch -d 2020-01-01 /var/log/old.log',
      `upload ${blob} /var/cache/apt/archives/fake_1.0_amd64.deb`,
      `upload ${blob} /tmp/junk`,
      `upload ${blob} /var/tmp/junk2`,
      'run ln -s /etc/passwd /tmp/link-to-passwd',
    ]);
  });

  it('clean-logs --dry-run lists the rotated logs and changes nothing; clean-logs removes them, keeps the current ones', async () => {
    const before = await du(img, '/var/log');
    const dry = JSON.parse((await ok(img, ['clean-logs --dry-run'], ['--json'])).stdout);
    expect(dry.items.map((i: { path: string }) => i.path).sort()).toEqual(['/var/log/syslog.1', '/var/log/syslog.2.gz']);
    expect(await du(img, '/var/log')).toBe(before);
    const r = JSON.parse((await ok(img, ['clean-logs'], ['--json'])).stdout);
    expect(r.freedBytes).toBeGreaterThanOrEqual(4 * MiB);
    expect(before - (await du(img, '/var/log'))).toBe(4 * MiB);
    expect((await ok(img, ['run ls /var/log'])).stdout).toMatch(/^dpkg\.log$/m);
    const old = JSON.parse((await ok(img, ['clean-logs --older-than 365'], ['--json'])).stdout);
    expect(old.items.map((i: { path: string }) => i.path)).toEqual(['/var/log/old.log']);
    expect((await ok(img, ['run ls /var/log'])).stdout).not.toMatch(/old\.log/);
  });

  it('clean-cache runs apt-get clean: the .deb is gone', async () => {
    const before = await du(img, '/var/cache/apt');
    const r = JSON.parse((await ok(img, ['clean-cache'], ['--json'])).stdout);
    expect(r.commands).toEqual(['apt-get clean']);
    expect(r.items.map((i: { path: string }) => i.path)).toContain('/var/cache/apt/archives/fake_1.0_amd64.deb');
    expect(before - (await du(img, '/var/cache/apt'))).toBeGreaterThanOrEqual(2 * MiB);
    expect(r.freedBytes).toBeGreaterThan(2 * MiB - 64 * 1024); // apt-get clean writes its lock file
  });

  it('clean-temp empties /tmp and /var/tmp, removes a link without following it, keeps the 1777 directories', async () => {
    const r = JSON.parse((await ok(img, ['clean-temp'], ['--json'])).stdout);
    expect(r.items.map((i: { path: string }) => i.path).sort()).toEqual(['/tmp/junk', '/tmp/link-to-passwd', '/var/tmp/junk2']);
    expect(r.freedBytes).toBeGreaterThanOrEqual(4 * MiB);
    const after = await ok(img, ['run ls -A /tmp /var/tmp', 'run stat -c %a /tmp /var/tmp', 'run grep -c ^root: /etc/passwd']);
    expect(after.stdout).toBe('/tmp:\n\n/var/tmp:\n1777\n1777\n1\n');
  });
});

describe('sysprep on the Debian 12 fixture', () => {
  let img: string;
  const OLD_ID = '0123456789abcdef0123456789abcdef';
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    await ok(img, ['write /etc/machine-id 0123456789abcdef0123456789abcdef', 'adduser alice', "write /root/.bash_history 'secret'", 'run mkdir -p /home/alice', "write /home/alice/.bash_history 'x'", `run mkdir /var/log/journal/${OLD_ID}`, `write /var/log/journal/${OLD_ID}/system.journal 'x'`]);
  });

  it('--list names every operation with its default', async () => {
    const r = JSON.parse((await ok(img, ['sysprep --list'], ['--json'])).stdout);
    const byName = Object.fromEntries(r.operations.map((o: { name: string; byDefault: boolean }) => [o.name, o.byDefault]));
    expect(byName).toMatchObject({ 'machine-id': true, 'ssh-hostkeys': true, logfiles: true, 'bash-history': true, 'cron-spool': false, 'user-account': false });
  });

  it('the defaults: empty machine-id, no host keys, the keygen unit enabled, no histories, users kept', async () => {
    await ok(img, ['sysprep']);
    const r = await ok(img, [
      'run wc -c /etc/machine-id',
      'run sh -c "ls /etc/ssh | grep -c ssh_host_ || test $? = 1"',
      'run systemctl is-enabled guestctl-ssh-hostkeys.service',
      'run sh -c "ls -A /root /home/alice | grep -c history || test $? = 1"',
      'run id -u alice',
    ]);
    expect(r.stdout).toBe('0 /etc/machine-id\n0\nenabled\n0\n1000\n');
  });

  it('/var/log/journal stays (journald keeps a persistent journal only where it exists), with its mode, group and ACL; the old machine-id directory is gone', async () => {
    const r = await ok(img, ['run stat -c "%a %G %F" /var/log/journal', 'run ls -A /var/log/journal', 'run sh -c "ls -ld /var/log/journal | cut -c1-11"'], ['--ro']);
    expect(r.stdout).toBe('2755 systemd-journal directory\ndrwxr-sr-x+\n');
  });

  it('--operations user-account removes the planted user; pwck does not mention it', async () => {
    await ok(img, ['sysprep --operations user-account']);
    const r = await shell(img, ['run pwck -r']);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/alice/);
    expect((await shell(img, ['run id alice'])).code).not.toBe(0);
    expect((await ok(img, ['run sh -c "test -e /home/alice || echo gone"'])).stdout).toBe('gone\n');
  });
});

describe('clean-temp and sysprep on the hostile image never follow links to host paths', () => {
  const canary = join(dir.path, 'canary');
  beforeAll(() => {
    mkdirSync(canary, { recursive: true });
    writeFileSync(join(canary, 'keep'), 'host file');
  });

  it('links in /tmp, /var/log and /root to host paths go as links; the host files stay', async () => {
    const img = await workCopy('hostile', dir.path);
    await ok(img, [`symlink ${canary} /tmp/to-host`, `symlink ${canary}/keep /var/log/x.1`, `symlink ${canary}/keep /root/.bash_history`, 'mkdir /var/tmp']);
    await ok(img, ['clean-temp']);
    await ok(img, ['sysprep --operations logfiles,bash-history,tmp-files']);
    expect(readFileSync(join(canary, 'keep'), 'utf8')).toBe('host file');
    expect(existsSync(canary)).toBe(true);
    const r = await ok(img, ['ls -a /tmp']);
    expect(r.stdout).not.toMatch(/to-host/);
    expect(execFileSync('ls', [canary], { encoding: 'utf8' })).toBe('keep\n');
  });
});
