import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { rhelLike } from '../helpers/rhel-like.js';

// SSH Key Management against real guests, checked from outside the commands: a new guestctl
// process reopens the image and the guest's own ssh-keygen -lf, stat, systemctl is-enabled and
// sshd -t judge the result.

const dir = tempDir('guestctl-ssh-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (r: CliResult, what = '') => {
  expect(r.code, `${what}\n${r.stderr}`).toBe(0);
  return r;
};
const json = (r: CliResult) => JSON.parse(ok(r).stdout);
/** `ssh-keygen -lf` lines as ssh-listkeys --json describes the same keys. */
const asKeygen = (rows: { bits: number; fingerprint: string; comment: string; label: string }[]) => rows.map((k) => `${k.bits} ${k.fingerprint} ${k.comment} (${k.label})`);
const lines = (s: string) => s.split('\n').filter(Boolean);

/** sshd -t in the guest: the jail's private /run gets the privilege separation dir it needs. */
const SSHD_T = "run sh -c 'mkdir /run/sshd && /usr/sbin/sshd -t && /usr/sbin/sshd -T'";

describe('ssh keys on Debian 12', () => {
  let img: string;
  const keys: Record<string, string> = {};
  const hostKeys = join(dir.path, 'keys.pub');

  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    // Keys made by the guest's own ssh-keygen; a user made by the guest's own useradd.
    const r = ok(
      await shell(img, [
        "run ssh-keygen -q -t ed25519 -N '' -f /tmp/ed -C ed@test",
        "run ssh-keygen -q -t rsa -b 3072 -N '' -f /tmp/rsa -C rsa@test",
        "run ssh-keygen -q -t ecdsa -b 384 -N '' -f /tmp/ec -C 'ec key@test'",
        'run cat /tmp/ed.pub /tmp/rsa.pub /tmp/ec.pub',
        'run useradd -m -s /bin/bash bob',
      ]),
    );
    [keys.ed, keys.rsa, keys.ec] = lines(r.stdout) as [string, string, string];
    writeFileSync(hostKeys, `# keys for bob\n${keys.rsa}\n\nno-pty,command="echo hi, there" ${keys.ec}\n`);
  });

  it('ssh-addkey creates ~/.ssh 0700 and authorized_keys 0600 owned by the user, and ssh-keygen -lf agrees with ssh-listkeys', async () => {
    ok(await shell(img, [`ssh-addkey bob "${keys.ed}"`, `ssh-addkey bob ${hostKeys}`]));
    const st = ok(await shell(img, ["run stat -c '%a %U %G %n' /home/bob/.ssh /home/bob/.ssh/authorized_keys"]));
    expect(lines(st.stdout)).toEqual(['700 bob bob /home/bob/.ssh', '600 bob bob /home/bob/.ssh/authorized_keys']);
    const keygen = ok(await shell(img, ['run ssh-keygen -lf /home/bob/.ssh/authorized_keys']));
    const listed = json(await shell(img, ['ssh-listkeys bob'], ['--json']));
    expect(listed.map((k: { index: number }) => k.index)).toEqual([1, 2, 3]);
    expect(asKeygen(listed)).toEqual(lines(keygen.stdout));
    expect(listed.map((k: { bits: number; label: string }) => `${k.label} ${k.bits}`)).toEqual(['ED25519 256', 'RSA 3072', 'ECDSA 384']);
    expect(listed[2]).toMatchObject({ comment: 'ec key@test', options: ['no-pty', 'command="echo hi, there"'] });
  });

  it('adding the same keys again (other comment, other options) adds nothing', async () => {
    const before = ok(await shell(img, ['run cat /home/bob/.ssh/authorized_keys'])).stdout;
    const ed = keys.ed!.split(' ').slice(0, 2).join(' ');
    const r = ok(await shell(img, [`ssh-addkey bob 'no-agent-forwarding ${ed} renamed'`, `ssh-addkey bob ${hostKeys}`]));
    expect(r.stdout).toMatch(/already present in \/home\/bob\/.ssh\/authorized_keys as key 1: ED25519/);
    expect(ok(await shell(img, ['run cat /home/bob/.ssh/authorized_keys'])).stdout).toBe(before);
  });

  it("keeps root's existing lines byte for byte, and the file's owner and mode", async () => {
    const original = `# managed by hand\r\nfrom="10.0.0.0/8" ${keys.rsa}\n\n#   ssh-dss AAAA old key\nnot a key at all`;
    writeFileSync(join(dir.path, 'root-ak'), original);
    ok(await shell(img, [`upload ${join(dir.path, 'root-ak')} /root/.ssh/authorized_keys`, 'run chmod 0640 /root/.ssh/authorized_keys']));
    const r = ok(await shell(img, [`ssh-addkey root "${keys.ed}"`]));
    expect(r.stderr).toMatch(/line 5: not a public key; sshd ignores this line/);
    expect(r.stdout).toMatch(/added key 2 to \/root\/.ssh\/authorized_keys: ED25519 256 SHA256:/);
    const after = join(dir.path, 'root-ak.after');
    ok(await shell(img, [`download /root/.ssh/authorized_keys ${after}`]));
    expect(readFileSync(after, 'utf8')).toBe(`${original}\n${keys.ed}\n`);
    expect(lines(ok(await shell(img, ["run stat -c '%a %U %G' /root/.ssh/authorized_keys"])).stdout)).toEqual(['640 root root']);
    const keygen = ok(await shell(img, ['run ssh-keygen -lf /root/.ssh/authorized_keys']));
    expect(asKeygen(json(await shell(img, ['ssh-listkeys root'], ['--json'])))).toEqual(lines(keygen.stdout));
  });

  it('ssh-removekey by index, fingerprint and comment; --dry-run changes nothing', async () => {
    const listed = json(await shell(img, ['ssh-listkeys bob'], ['--json']));
    const before = ok(await shell(img, ['run cat /home/bob/.ssh/authorized_keys'])).stdout;
    const dry = ok(await shell(img, ['ssh-removekey bob 2 --dry-run']));
    expect(dry.stdout).toContain(`-${keys.rsa}`);
    expect(ok(await shell(img, ['run cat /home/bob/.ssh/authorized_keys'])).stdout).toBe(before);

    ok(await shell(img, ['ssh-removekey bob 2']));
    let keygen = ok(await shell(img, ['run ssh-keygen -lf /home/bob/.ssh/authorized_keys']));
    expect(lines(keygen.stdout)).toEqual(asKeygen([listed[0], listed[2]]));
    ok(await shell(img, [`ssh-removekey bob ${listed[0].fingerprint}`]));
    keygen = ok(await shell(img, ['run ssh-keygen -lf /home/bob/.ssh/authorized_keys']));
    expect(lines(keygen.stdout)).toEqual(asKeygen([listed[2]]));
    ok(await shell(img, ["ssh-removekey bob 'ec key@test'"]));
    expect(json(await shell(img, ['ssh-listkeys bob'], ['--json']))).toEqual([]);
    // Only keys are taken from a host file: nothing is left; the file is still bob's, 0600.
    expect(ok(await shell(img, ['run cat /home/bob/.ssh/authorized_keys'])).stdout).toBe('');
    expect(lines(ok(await shell(img, ["run stat -c '%a %U %G' /home/bob/.ssh/authorized_keys"])).stdout)).toEqual(['600 bob bob']);

    const missing = await shell(img, ['ssh-removekey bob 1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no key 1 \(0 keys\)/);
  });

  it('ssh-enable: systemctl is-enabled ssh says enabled afterwards, and missing host keys are generated', async () => {
    ok(await shell(img, ['run systemctl disable ssh', "run sh -c 'rm /etc/ssh/ssh_host_*'"]));
    const off = await shell(img, ['run systemctl is-enabled ssh']);
    expect(off.stdout.trim()).toBe('disabled');
    const dry = ok(await shell(img, ['ssh-enable --dry-run']));
    expect(dry.stdout).toMatch(/would run the guest's systemctl enable ssh.service/);
    expect((await shell(img, ['run systemctl is-enabled ssh'])).stdout.trim()).toBe('disabled');

    const r = ok(await shell(img, ['ssh-enable']));
    expect(r.stdout).toMatch(/enabled ssh.service/);
    const on = ok(await shell(img, ['run systemctl is-enabled ssh', 'run ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub', "run stat -c '%a %n' /etc/ssh/ssh_host_ed25519_key"]));
    expect(lines(on.stdout)[0]).toBe('enabled');
    expect(lines(on.stdout)[1]).toMatch(/^256 SHA256:\S+ root@deb12-fixture \(ED25519\)$/);
    expect(lines(on.stdout)[2]).toBe('600 /etc/ssh/ssh_host_ed25519_key');
    const again = json(await shell(img, ['ssh-enable'], ['--json']));
    expect(again).toMatchObject({ unit: 'ssh.service', alreadyEnabled: true, hostKeys: { missing: [], generated: [] } });
  });

  it('ssh-config set PermitRootLogin no passes sshd -t, and get shows it', async () => {
    const r = ok(await shell(img, ['ssh-config set PermitRootLogin no']));
    expect(r.stdout).toMatch(/set PermitRootLogin no in \/etc\/ssh\/sshd_config \(sshd -t: ok\)/);
    const t = ok(await shell(img, [SSHD_T]));
    expect(lines(t.stdout)).toContain('permitrootlogin no');
    const got = json(await shell(img, ['ssh-config get permitrootlogin'], ['--json']));
    expect(got).toMatchObject({ keyword: 'PermitRootLogin', set: true, values: [{ value: 'no', file: '/etc/ssh/sshd_config', line: 34 }] });
    const grep = ok(await shell(img, ["run grep -n PermitRootLogin /etc/ssh/sshd_config"]));
    expect(lines(grep.stdout).slice(0, 2)).toEqual(['33:#PermitRootLogin prohibit-password', '34:PermitRootLogin no']);
  });

  it('an invalid value is rolled back byte for byte, with sshd\'s message', async () => {
    const before = join(dir.path, 'sshd_config.before');
    const after = join(dir.path, 'sshd_config.after');
    ok(await shell(img, [`download /etc/ssh/sshd_config ${before}`]));
    // No file left behind: no new drop-in, no temp file, no throwaway host key.
    const files = "run find /etc/ssh /run -printf '%p %y %s\\n'";
    const tree = ok(await shell(img, [files])).stdout;
    expect(tree).toContain('/etc/ssh/sshd_config.d d');
    const r = await shell(img, ['ssh-config set PermitRootLogin maybe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sshd -t rejects the change \(the previous content was restored\).*unsupported option "maybe"/);
    ok(await shell(img, [`download /etc/ssh/sshd_config ${after}`]));
    expect(readFileSync(after).equals(readFileSync(before))).toBe(true);
    expect(ok(await shell(img, [files])).stdout).toBe(tree);
    ok(await shell(img, [SSHD_T]));
  });

  it('a drop-in that sets the value first is the one edited; unset comments out; --dry-run writes nothing', async () => {
    ok(await shell(img, ["run sh -c 'printf \"PasswordAuthentication no\\n\" > /etc/ssh/sshd_config.d/50-cloud-init.conf'"]));
    const show = json(await shell(img, ['ssh-config show'], ['--json']));
    expect(show.settings.find((s: { keyword: string }) => s.keyword === 'PasswordAuthentication')).toMatchObject({ value: 'no', file: '/etc/ssh/sshd_config.d/50-cloud-init.conf', line: 1 });
    const dry = ok(await shell(img, ['ssh-config set PasswordAuthentication yes --dry-run']));
    expect(dry.stdout).toContain('+PasswordAuthentication yes');
    expect(ok(await shell(img, ['run cat /etc/ssh/sshd_config.d/50-cloud-init.conf'])).stdout).toBe('PasswordAuthentication no\n');
    ok(await shell(img, ['ssh-config set PasswordAuthentication yes']));
    expect(ok(await shell(img, ['run cat /etc/ssh/sshd_config.d/50-cloud-init.conf'])).stdout).toBe('PasswordAuthentication yes\n');
    expect(lines(ok(await shell(img, [SSHD_T])).stdout)).toContain('passwordauthentication yes');
    ok(await shell(img, ['ssh-config unset PasswordAuthentication']));
    expect(ok(await shell(img, ['run cat /etc/ssh/sshd_config.d/50-cloud-init.conf'])).stdout).toBe('#PasswordAuthentication yes\n');
    const got = json(await shell(img, ['ssh-config get PasswordAuthentication'], ['--json']));
    expect(got.set).toBe(false);
  });

  it('the check works without host keys (a throwaway key in the sandbox), leaving nothing in the guest', async () => {
    ok(await shell(img, ["run sh -c 'mkdir /root/hk && mv /etc/ssh/ssh_host_* /root/hk/'"]));
    ok(await shell(img, ['ssh-config set MaxAuthTries 4']));
    const ls = ok(await shell(img, ["run sh -c 'ls /etc/ssh; ls -A /run'"]));
    expect(ls.stdout).not.toMatch(/ssh_host_|guestctl-check|sshd\n/);
    ok(await shell(img, ["run sh -c 'mv /root/hk/* /etc/ssh/ && rmdir /root/hk'"]));
    expect(lines(ok(await shell(img, [SSHD_T])).stdout)).toContain('maxauthtries 4');
  });
});

describe('ssh commands on the hostile image', () => {
  const canary = '/tmp/guestctl-canary';
  let img: string;
  let hostShadow: string;
  const hostAk = '/tmp/authorized_keys';
  const hostAkExisted = existsSync(hostAk);
  const hostHomeAlice = existsSync('/home/alice');
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8rZlOrthIgn9UFFM2J4e9JXvOYugYFt4uEDGeFz+nu hostile@test';

  beforeAll(async () => {
    mkdirSync(canary, { recursive: true });
    writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
    writeFileSync(`${canary}/evil.conf`, 'PermitRootLogin HOSTCANARY\n');
    rmSync(`${canary}/created-by-guest`, { force: true });
    hostShadow = readFileSync('/etc/shadow', 'utf8');
    img = await workCopy('hostile', dir.path);
  });

  afterAll(() => {
    expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
    expect(readFileSync(`${canary}/evil.conf`, 'utf8')).toBe('PermitRootLogin HOSTCANARY\n');
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
    if (!hostAkExisted) expect(existsSync(hostAk)).toBe(false);
    if (!hostHomeAlice) expect(existsSync('/home/alice')).toBe(false);
  });

  it('refuses to write through /root/.ssh -> /tmp, and lists what the link leads to inside the guest', async () => {
    for (const cmd of [`ssh-addkey root "${KEY}"`, 'ssh-removekey root 1']) {
      const r = await shell(img, [cmd]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(/refused: \/root\/.ssh is a symbolic link \(to \/tmp\)/);
    }
    ok(await shell(img, [`run sh -c 'echo "${KEY}" > /tmp/authorized_keys'`]));
    const r = await shell(img, ['ssh-listkeys root'], ['--json']);
    expect(r.stderr).toMatch(/symbolic link \(to \/tmp\), followed inside the guest/);
    expect(json(r)).toMatchObject([{ index: 1, comment: 'hostile@test', fingerprint: 'SHA256:BJx6uyfZRt35OAbXMehu6N7KpHavIvg32Cz3aQmfktY' }]);
  });

  it('a home reached through escaping links resolves inside the guest', async () => {
    // alice's home through /root/escape (-> ../../../../../..) and a user whose home is /home/evil (-> /../../../../root)
    ok(await shell(img, ["run sh -c 'sed -i \"s#:/home/alice:#:/root/escape/home/alice:#\" /etc/passwd && echo evil:x:1001:1001::/home/evil:/bin/sh >> /etc/passwd'"]));
    ok(await shell(img, [`ssh-addkey alice "${KEY}"`]));
    const st = ok(await shell(img, ["run stat -c '%a %u %g %n' /home/alice/.ssh /home/alice/.ssh/authorized_keys", 'run cat /home/alice/.ssh/authorized_keys']));
    expect(lines(st.stdout)).toEqual(['700 1000 1000 /home/alice/.ssh', '600 1000 1000 /home/alice/.ssh/authorized_keys', KEY]);
    const evil = await shell(img, [`ssh-addkey evil "${KEY}"`]);
    expect(evil.code).toBe(1);
    expect(evil.stderr).toMatch(/refused: \/home\/evil\/.ssh is a symbolic link \(to \/tmp\)/);
  });

  it('ssh-enable says sshd is missing, naming the package', async () => {
    const r = await shell(img, ['ssh-enable']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sshd is not installed in the guest .*install the openssh-server package/);
  });

  it('ssh-config reads Includes and links inside the guest only', async () => {
    const none = await shell(img, ['ssh-config']);
    expect(none.stderr).toMatch(/the guest has no \/etc\/ssh\/sshd_config/);
    ok(
      await shell(img, [
        'mkdir /etc/ssh',
        'write /etc/ssh/sshd_config "Include ../../../../../../tmp/guestctl-canary/*.conf\\nInclude /etc/ssh/d/*.conf\\nInclude /etc/ssh/evil.conf\\nPort 22\\n"',
        'symlink /../../../../tmp/guestctl-canary /etc/ssh/d',
        'symlink ../../../../../../tmp/guestctl-canary/evil.conf /etc/ssh/evil.conf',
      ]),
    );
    const show = await shell(img, ['ssh-config show'], ['--json']);
    expect(show.stdout).not.toContain('HOSTCANARY');
    expect(json(show).settings).toMatchObject([{ keyword: 'Port', value: '22' }]);
    const set = ok(await shell(img, ['ssh-config set PermitRootLogin no']));
    expect(set.stderr).toMatch(/no sshd: the result was not checked/);
    expect(ok(await shell(img, ['run cat /etc/ssh/sshd_config'])).stdout).toMatch(/Port 22\nPermitRootLogin no\n$/);
    // A drop-in that is a link to a file outside /etc/ssh (in the guest) is not edited.
    ok(
      await shell(img, [
        "run sh -c 'echo X11Forwarding yes > /tmp/other.conf'",
        'symlink /tmp/other.conf /etc/ssh/other.conf',
        'write /etc/ssh/sshd_config "Include other.conf\\nPort 22\\n"',
      ]),
    );
    const foreign = await shell(img, ['ssh-config set X11Forwarding no']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/X11Forwarding is set in \/etc\/ssh\/other.conf \(included from \/etc\/ssh\/sshd_config line 1\), outside \/etc\/ssh/);
    expect(ok(await shell(img, ['run cat /tmp/other.conf'])).stdout).toBe('X11Forwarding yes\n');
  });
});

describe('a RHEL-style guest', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8rZlOrthIgn9UFFM2J4e9JXvOYugYFt4uEDGeFz+nu rhel@test';

  it('SELinux enforcing: ~/.ssh and authorized_keys get ssh_home_t', async () => {
    const root = rhelLike(dir.path, { name: 'rhel-selinux' });
    mkdirSync(join(root, 'etc/selinux/targeted/policy'), { recursive: true });
    const r = ok(await shell(root, [`ssh-addkey root "${KEY}"`, "run stat -c '%a %U %G %n' /root/.ssh /root/.ssh/authorized_keys"]));
    expect(r.stdout).toMatch(/SELinux label ssh_home_t set on \/root\/.ssh, \/root\/.ssh\/authorized_keys/);
    expect(r.stdout).toContain('700 root root /root/.ssh\n600 root root /root/.ssh/authorized_keys');
    for (const p of ['root/.ssh', 'root/.ssh/authorized_keys']) {
      const label = execFileSync('getfattr', ['--absolute-names', '-h', '--only-values', '-n', 'security.selinux', join(root, p)], { encoding: 'latin1' });
      expect(label).toBe('system_u:object_r:ssh_home_t:s0\0');
    }
    expect(existsSync(join(root, '.autorelabel'))).toBe(false);
  });

  it('SELinux disabled: no label, no relabel', async () => {
    const root = rhelLike(dir.path, { name: 'rhel-nolabel', selinux: 'disabled' });
    mkdirSync(join(root, 'etc/selinux/targeted/policy'), { recursive: true });
    ok(await shell(root, [`ssh-addkey root "${KEY}"`]));
    const attrs = execFileSync('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', join(root, 'root/.ssh')], { encoding: 'utf8' });
    expect(attrs).not.toContain('security.selinux');
    expect(existsSync(join(root, '.autorelabel'))).toBe(false);
  });
});
