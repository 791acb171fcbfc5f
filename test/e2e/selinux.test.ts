import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { shellOk as ok } from '../helpers/shell-ok.js';

// selinux-context and selinux-audit on a copy of the 'netstacks' fixture (Debian 12 with
// selinux-policy-default, policycoreutils(-python-utils) and auditd; its files carry no labels
// yet, as after installing the policy without a relabel). Checked from outside: a new process
// runs the guest's own matchpathcon, setfiles -n, ls -Z and stat -c %C in the jail.

const dir = tempDir('guestctl-selinux-');
const FC = '/etc/selinux/default/contexts/files/file_contexts';
let img: string;

beforeAll(async () => {
  img = await workCopy('netstacks', dir.path);
}, 600_000);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const shown = async (path: string) => JSON.parse((await ok(img, [`selinux-context ${path}`], ['--json'])).stdout).context as string | null;

describe('selinux-context', () => {
  const paths = ['/etc/shadow', '/etc/passwd', '/usr/bin/ls', '/etc/ssh/sshd_config', '/var/log'];

  it('--restore gives each path the label the guest matchpathcon names, and selinux-context reads it back', async () => {
    expect(await shown('/etc/shadow')).toBeNull();
    await ok(img, paths.map((p) => `selinux-context ${p} --restore`));
    const expected = (await ok(img, [`run matchpathcon ${paths.join(' ')}`])).stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(expected.map(([p]) => p)).toEqual(paths);
    const guestLs = (await ok(img, [`run ls -dZ ${paths.join(' ')}`])).stdout;
    for (const [p, context] of expected) {
      expect(await shown(p!)).toBe(context);
      expect(guestLs).toContain(`${context} ${p}\n`);
    }
    expect(expected.find(([p]) => p === '/etc/shadow')![1]).toBe('system_u:object_r:shadow_t:s0');
  }, 240_000);

  it('--set is there for a new process (stat -c %C in the guest); a type the policy lacks is refused, label untouched', async () => {
    await ok(img, ['selinux-context /etc/hosts --set system_u:object_r:net_conf_t:s0']);
    expect((await ok(img, ['run stat -c %C /etc/hosts'])).stdout).toBe('system_u:object_r:net_conf_t:s0\n');
    const r = await shell(img, ['selinux-context /etc/hosts --set system_u:object_r:no_such_type_t:s0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n').find((l) => l.startsWith('error:'))).toBe("error: system_u:object_r:no_such_type_t:s0 is not valid in the guest's SELinux policy (default): type no_such_type_t is not defined");
    expect((await ok(img, ['run stat -c %C /etc/hosts'])).stdout).toBe('system_u:object_r:net_conf_t:s0\n');
  }, 120_000);

  it("--restore on a mislabeled file does what the guest's setfiles -n -v predicted", async () => {
    await ok(img, ['selinux-context /etc/passwd --set system_u:object_r:shadow_t:s0']);
    const predicted = (await ok(img, [`run setfiles -n -v -F ${FC} /etc/passwd`])).stdout;
    expect(predicted).toBe('Would relabel /etc/passwd from system_u:object_r:shadow_t:s0 to system_u:object_r:etc_t:s0\n');
    expect((await ok(img, ['selinux-context /etc/passwd --restore --dry-run'])).stdout).toBe('would relabel /etc/passwd: system_u:object_r:shadow_t:s0 -> system_u:object_r:etc_t:s0\n');
    expect((await ok(img, ['run stat -c %C /etc/passwd'])).stdout).toBe('system_u:object_r:shadow_t:s0\n');
    expect((await ok(img, ['selinux-context /etc/passwd --restore'])).stdout).toBe('relabeled /etc/passwd: system_u:object_r:shadow_t:s0 -> system_u:object_r:etc_t:s0\n');
    expect((await ok(img, ['run stat -c %C /etc/passwd'])).stdout).toBe('system_u:object_r:etc_t:s0\n');
    expect((await ok(img, ['selinux-context /etc/passwd --restore'])).stdout).toBe('/etc/passwd: system_u:object_r:etc_t:s0 (unchanged)\n');
  }, 180_000);

  it('a symlink to a host path is never followed out of the guest: its own label is read and set', async () => {
    const hostFile = join(dir.path, 'host-secret');
    writeFileSync(hostFile, 'host\n');
    execFileSync('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:host_secret_t:s0', hostFile]);
    await ok(img, [`run ln -s /../../../../etc/shadow /root/to-shadow`, `run ln -s /../../../../..${hostFile} /root/to-host`]);
    for (const link of ['/root/to-shadow', '/root/to-host']) {
      const r = JSON.parse((await ok(img, [`selinux-context ${link}`], ['--json'])).stdout);
      expect(r).toMatchObject({ path: link, fileType: 'symlink', context: null });
    }
    await ok(img, ['selinux-context /root/to-host --set system_u:object_r:user_home_t:s0']);
    expect((await ok(img, ['run ls -dZ /root/to-host'])).stdout).toBe(`system_u:object_r:user_home_t:s0 /root/to-host\n`);
    expect(execFileSync('getfattr', ['--only-values', '-n', 'security.selinux', hostFile], { encoding: 'utf8' })).toBe('system_u:object_r:host_secret_t:s0');
    expect(await shown('/etc/shadow')).toBe('system_u:object_r:shadow_t:s0'); // the guest's shadow, not the link's
    expect(execFileSync('getfattr', ['--absolute-names', '-d', '-m', 'security', '/etc/shadow'], { encoding: 'utf8' })).not.toContain('user_home_t');
  }, 180_000);
});

describe('selinux-audit', () => {
  const avc = (serial: number, sec: number, perms: string, comm: string, s: string, t: string, cls: string) =>
    `type=AVC msg=audit(${sec}.120:${serial}): avc:  denied  { ${perms} } for  pid=${serial} comm="${comm}" name="f${serial}" dev="vda1" ino=${serial} scontext=system_u:system_r:${s}:s0 tcontext=system_u:object_r:${t}:s0 tclass=${cls} permissive=1\n` +
    `type=SYSCALL msg=audit(${sec}.120:${serial}): arch=c000003e syscall=257 success=yes exit=3 items=1 ppid=1 pid=${serial} uid=0 comm="${comm}" exe="/usr/sbin/${comm}" subj=system_u:system_r:${s}:s0 key=(null)\n`;

  it('summarises a planted audit.log and audit.log.1 with exact counts, and shows audit2allow rules', async () => {
    const log = join(dir.path, 'audit.log');
    const rotated = join(dir.path, 'audit.log.1');
    writeFileSync(rotated, avc(10, 1700000000, 'read', 'httpd', 'httpd_t', 'user_home_t', 'file') + avc(11, 1700000100, 'read write', 'httpd', 'httpd_t', 'user_home_t', 'file'));
    writeFileSync(
      log,
      avc(20, 1700090000, 'read', 'httpd', 'httpd_t', 'user_home_t', 'file') +
        avc(21, 1700090100, 'getattr', 'sshd', 'sshd_t', 'user_tmp_t', 'file') +
        'type=AVC msg=audit(1700090200.000:22): avc:  granted  { setenforce } for  pid=5 comm="setenforce" scontext=unconfined_u:unconfined_r:unconfined_t:s0 tcontext=system_u:object_r:security_t:s0 tclass=security\n',
    );
    await ok(img, [`upload ${rotated} /var/log/audit/audit.log.1`, `upload ${log} /var/log/audit/audit.log`]);
    const all = JSON.parse((await ok(img, ['selinux-audit'], ['--json'])).stdout);
    expect(all.files).toEqual(['/var/log/audit/audit.log', '/var/log/audit/audit.log.1']);
    expect([all.denials, all.granted]).toEqual([4, 1]);
    expect(all.groups.map((g: Record<string, unknown>) => [g.count, g.source, g.target, g.tclass, g.permission, g.first, g.last, g.comm])).toEqual([
      [3, 'httpd_t', 'user_home_t', 'file', 'read', 1700000000.12, 1700090000.12, 'httpd'],
      [1, 'httpd_t', 'user_home_t', 'file', 'write', 1700000100.12, 1700000100.12, 'httpd'],
      [1, 'sshd_t', 'user_tmp_t', 'file', 'getattr', 1700090100.12, 1700090100.12, 'sshd'],
    ]);
    const allow = all.advice.find((a: { tool: string }) => a.tool === 'audit2allow').output as string;
    expect(allow).toContain('allow httpd_t user_home_t:file { read write };');
    expect(allow).toContain('allow sshd_t user_tmp_t:file getattr;');
    expect(all.advice.find((a: { tool: string }) => a.tool === 'audit2why').output).toContain('Missing type enforcement (TE) allow rule.');

    const since = JSON.parse((await ok(img, ['selinux-audit --since 2023-11-15T23:00:00Z'], ['--json'])).stdout);
    expect(since.groups.map((g: Record<string, unknown>) => [g.count, g.permission])).toEqual([
      [1, 'read'],
      [1, 'getattr'],
    ]);
  }, 120_000);
});
