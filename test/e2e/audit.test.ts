import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// The three audits on real images. The pristine Debian fixture's baseline (checked by hand with
// the guest's own find, dpkg-query -S and dpkg --verify in the jail):
// - audit-perms: nothing. The only world-writable directories are /tmp and /var/tmp (1777,
//   sticky: fine); no file has an owner missing from /etc/passwd or /etc/group; shadow and
//   gshadow are 0640 root:shadow, sudoers 0440, host keys 0600, /root and /root/.ssh 0700, /home
//   is empty; sshd_config sets neither PermitRootLogin nor PermitEmptyPasswords; no empty password.
// - audit-suid: the 16 setuid/setgid programs of a minimal Debian, each owned by its package
//   (info severity); dpkg records some under /bin (usr-merge), which audit-suid asks too.
// - audit-packages: nothing (dpkg --verify in the guest is silent too).

const dir = tempDir('guestctl-audit-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const LONG = { timeout: 600_000 };

interface Finding {
  severity: string;
  kind: string;
  path: string;
  detail: string;
}

const BASELINE_SUID = [
  '/usr/bin/chage', '/usr/bin/chfn', '/usr/bin/chsh', '/usr/bin/crontab', '/usr/bin/expiry', '/usr/bin/gpasswd', '/usr/bin/mount', '/usr/bin/newgrp',
  '/usr/bin/passwd', '/usr/bin/ssh-agent', '/usr/bin/su', '/usr/bin/sudo', '/usr/bin/umount', '/usr/lib/dbus-1.0/dbus-daemon-launch-helper',
  '/usr/lib/openssh/ssh-keysign', '/usr/sbin/unix_chkpwd',
];

async function audit(img: string, cmd: string): Promise<Finding[]> {
  const r = await shell(img, [cmd], ['--ro', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.kind} ${f.path}`);

describe('audits on the Debian fixture', () => {
  it('the pristine fixture: its known baseline and nothing else', LONG, async () => {
    const img = await workCopy('debian', dir.path);
    expect(await audit(img, 'audit-perms')).toEqual([]);
    const suid = await audit(img, 'audit-suid');
    expect(suid.map((f) => f.path).sort()).toEqual(BASELINE_SUID);
    expect(suid.every((f) => f.severity === 'info' && /, package \S/.test(f.detail))).toBe(true);
    expect(await audit(img, 'audit-packages')).toEqual([]);
  });

  it('planted problems are reported exactly, and dpkg --verify agrees on the changed binary', LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const plant = await shell(img, [
      "run sh -c 'echo \"* * * * * root true\" > /etc/cron.d/planted && chmod 0666 /etc/cron.d/planted && cp /bin/sh /usr/local/bin/rootsh && chmod 4755 /usr/local/bin/rootsh && printf x >> /usr/bin/less && touch /srv/orphan && chown 4242:4242 /srv/orphan'",
    ]);
    expect(plant.code, plant.stderr).toBe(0);

    expect(brief(await audit(img, 'audit-perms'))).toEqual(['high world-writable /etc/cron.d/planted', 'medium orphan-gid /srv/orphan', 'medium orphan-uid /srv/orphan']);
    const suid = await audit(img, 'audit-suid');
    expect(brief(suid.filter((f) => f.severity !== 'info'))).toEqual(['high setuid-unowned /usr/local/bin/rootsh']);
    expect(suid.filter((f) => f.severity === 'info').map((f) => f.path).sort()).toEqual(BASELINE_SUID);
    const pkgs = await audit(img, 'audit-packages');
    expect(brief(pkgs)).toEqual(['high changed-binary /usr/bin/less']);
    expect(pkgs[0]!.detail).toMatch(/^less: md5 [0-9a-f]{32}, the package database says [0-9a-f]{32}$/);

    // The guest's own tools, in a new process: dpkg sees the same changed file, and no package owns the setuid copy.
    const v = await shell(img, ['run dpkg --verify less'], ['--ro']);
    expect(v.stdout).toMatch(/^\?\?5\?\?\?\?\?\? +\/usr\/bin\/less$/m);
    const s = await shell(img, ['run dpkg-query -S /usr/local/bin/rootsh'], ['--ro']);
    expect(s.stderr).toContain('no path found matching pattern /usr/local/bin/rootsh');
  });
});

describe('audits on the hostile image', () => {
  it('follow no link to the host, and read or write no host file', LONG, async () => {
    const hostShadow = readFileSync('/etc/shadow', 'utf8');
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['audit-perms', 'audit-suid'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(hostShadow.split('\n')[0]!);
    const p = await shell(img, ['audit-packages'], ['--ro']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('no package digests to compare');
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
  });
});
