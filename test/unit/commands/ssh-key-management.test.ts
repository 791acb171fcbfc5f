import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dir, file, special, type FakeGuest } from '../../helpers/fake-guest.js';
import { type RunResult } from '../../helpers/run-command.js';
import { session } from './_session.js';
import { rhelGuest } from './_rhel.js';

// SSH Key Management on fake guests: what ssh-addkey refuses, several keys in one call, the
// unreadable SELinux config, and ssh-enable on a RHEL-style guest with a scripted systemctl.
// test/e2e/ssh.test.ts keeps what the guest's own ssh-keygen -lf, sshd -t and systemctl judge,
// SELinux labels as real xattrs, and the hostile image.

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-unit-ssh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8rZlOrthIgn9UFFM2J4e9JXvOYugYFt4uEDGeFz+nu rhel@test';
const lines = (s: string) => s.split('\n').filter(Boolean);
const shell = (g: FakeGuest, cmds: string[], extra: string[] = []): Promise<RunResult> => session(g, cmds, extra);
const ok = (r: RunResult, what = '') => {
  expect(r.code, `${what}\n${r.stderr}`).toBe(0);
  return r;
};
const json = (r: RunResult) => JSON.parse(ok(r).stdout);

/** A key pair made by the host's ssh-keygen; returns the public line. */
function keygen(name: string, type: string, comment: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', comment, '-f', join(tmp, name)]);
  return readFileSync(join(tmp, `${name}.pub`), 'utf8').trim();
}

describe('ssh-addkey refusals', () => {
  const keys: Record<string, string> = {};
  let g: FakeGuest;
  beforeAll(() => {
    keys.ed = keygen('ed', 'ed25519', 'ed@test');
    g = rhelGuest({ selinux: null });
    g.add('/etc/passwd', `${g.text('/etc/passwd')}bob:x:1000:1000::/home/bob:/bin/bash\n`);
    g.add('/home/bob', dir({ uid: 1000, gid: 1000 }));
  });

  it('refuses invalid keys and unknown users with a reason, writing nothing', async () => {
    const ed = keys.ed!.split(' ');
    const cases: [string, RegExp][] = [
      [`ssh-addkey bob "ssh-rsa ${ed[1]} x"`, /payload is "ssh-ed25519"/],
      [`ssh-addkey bob "ssh-ed25519 ${ed[1]!.slice(0, -4)} x"`, /not valid base64|truncated/],
      [`ssh-addkey nosuchuser "${keys.ed}"`, /no user 'nosuchuser' in the guest's \/etc\/passwd/],
      [`ssh-addkey bob /tmp/ed`, /neither an SSH public key nor a host file/],
    ];
    for (const [cmd, message] of cases) {
      const r = await shell(g, [cmd]);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toMatch(message);
    }
    writeFileSync(join(tmp, 'private'), '-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n');
    const priv = await shell(g, [`ssh-addkey bob ${join(tmp, 'private')}`]);
    expect(priv.stderr).toMatch(/PRIVATE key/);
    expect(json(await shell(g, ['ssh-listkeys bob'], ['--json']))).toEqual([]);
  });
});

describe('a RHEL-style guest', () => {
  it('ssh-addkey with several KEY arguments adds each one: key text (with spaces, quoted) and host key files', async () => {
    const root = rhelGuest({ selinux: null });
    const made: string[] = [];
    for (const [n, t] of [['k1', 'ed25519'], ['k2', 'ecdsa'], ['k3', 'ed25519']] as const) made.push(keygen(n, t, `${n} with spaces`));
    const r = ok(await shell(root, [`ssh-addkey root "${made[0]}" '${made[1]}' ${join(tmp, 'k3.pub')}`]));
    expect(r.stdout).toMatch(/added key 1 to \/root\/.ssh\/authorized_keys: ED25519 256 SHA256:\S+ k1 with spaces/);
    expect(r.stdout).toMatch(/added key 2 [^\n]*: ECDSA 256 SHA256:\S+ k2 with spaces/);
    expect(r.stdout).toMatch(/added key 3 [^\n]*: ED25519 256 SHA256:\S+ k3 with spaces/);
    expect(root.text('/root/.ssh/authorized_keys')).toBe(made.join('\n') + '\n');
    // Unquoted, the words of one key are separate arguments: refused, with a hint, nothing written.
    const unquoted = await shell(root, [`ssh-addkey root ${made[0]!.split(' ').slice(0, 2).join(' ')}`]);
    expect(unquoted.code).toBe(2); // the command's usage error (a script run stops with 1)
    expect(unquoted.stderr).toMatch(/error: not a valid SSH public key: .*\(ssh-ed25519 alone: quote a key that has spaces/);
    expect(root.text('/root/.ssh/authorized_keys')).toBe(made.join('\n') + '\n');
  });

  it.each([
    ['a directory', dir(), 'is a directory: /etc/selinux/config'],
    ['a FIFO', special('fifo'), 'not a regular file: /etc/selinux/config'],
  ])('an unreadable /etc/selinux/config (%s) stops ssh-addkey before it writes: not "no SELinux"', async (_what, entry, cause) => {
    const root = rhelGuest();
    root.add('/etc/selinux/targeted/policy', dir());
    root.add('/etc/selinux/config', entry);
    const r = await shell(root, [`ssh-addkey root "${KEY}"`]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error: cannot tell whether the guest uses SELinux: reading /etc/selinux/config: ${cause}`);
    expect(await root.fs.lexists('/root/.ssh')).toBe(false);
  });

  it("ssh-enable: sshd.service, host keys left to sshd-keygen@.service, enabled with the guest's systemctl", async () => {
    const root = rhelGuest();
    const none = await shell(root, ['ssh-enable']);
    expect(none.stderr).toMatch(/sshd is not installed in the guest .*openssh-server/);
    // A stand-in sshd and systemctl: enough to see the unit name chosen, the first-boot key
    // generation relied on, and systemctl called the way systemd's would be.
    root.add('/usr/sbin/sshd', file('#!/bin/sh\nexit 0\n', { mode: 0o755 }));
    root.add('/usr/lib/systemd/system/sshd.service', '[Unit]\nDescription=OpenSSH server daemon\n[Install]\nWantedBy=multi-user.target\n');
    root.add('/usr/lib/systemd/system/sshd-keygen@.service', '[Unit]\nDescription=OpenSSH %i Server Key Generation\n');
    const log: string[] = [];
    const wants = '/etc/systemd/system/multi-user.target.wants';
    root.on('systemctl', async ([, verb, unit], _opts, guest) => {
      log.push(`${verb} ${unit}`);
      if (verb === 'is-enabled') return (await guest.fs.lexists(`${wants}/${unit}`)) ? { stdout: 'enabled\n' } : { code: 1, stdout: 'disabled\n' };
      if (verb === 'enable') {
        await guest.fs.mkdir(wants, { parents: true });
        await guest.fs.symlink(`/usr/lib/systemd/system/${unit}`, `${wants}/${unit}`);
      }
      return {};
    });
    const r = ok(await shell(root, ['ssh-enable'], ['--json']));
    expect(JSON.parse(r.stdout)).toMatchObject({ unit: 'sshd.service', alreadyEnabled: false, hostKeys: { generated: [], firstBoot: 'sshd-keygen@.service generates them at first boot' } });
    expect(`${log.join('\n')}\n`).toBe('is-enabled sshd.service\nenable sshd.service\nis-enabled sshd.service\n');
    expect(await root.fs.lexists('/etc/ssh/ssh_host_ed25519_key')).toBe(false);
  });
});
