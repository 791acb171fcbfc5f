import { describe, expect, it } from 'vitest';
import { fakeGuest, link } from '../../helpers/fake-guest.js';
import { fails, json, ok } from './_session.js';

// selinux-context and selinux-audit on a fake Debian guest with the SELinux policy installed:
// what they read, write and refuse. test/e2e/selinux.test.ts checks the guest's own setfiles,
// matchpathcon, ls -Z, audit2why and audit2allow agree, and the hostile symlink.

const LABEL = 'security.selinux';
const AVC = (serial: number, sec: number, perm: string) =>
  `type=AVC msg=audit(${sec}.000:${serial}): avc:  denied  { ${perm} } for  pid=7 comm="httpd" name="x" dev="vda1" ino=1 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:user_home_t:s0 tclass=file permissive=0\n`;

function guest() {
  const g = fakeGuest({
    files: {
      '/etc/selinux/config': 'SELINUX=permissive\nSELINUXTYPE=default\n',
      '/etc/selinux/default/policy/policy.31': 'x',
      '/etc/selinux/default/policy/policy.33': 'x',
      '/etc/selinux/default/contexts/files/file_contexts': '/etc/shadow system_u:object_r:shadow_t:s0\n',
      '/usr/sbin/setfiles': '',
      '/etc/shadow': 'root:*:1::::::\n',
      '/etc/link': link('/etc/shadow'),
      '/var/log/audit/audit.log': AVC(3, 1700000300, 'read') + AVC(4, 1700000400, 'read write'),
      '/var/log/audit/audit.log.1': AVC(1, 1700000100, 'read'),
    },
  });
  // setfiles -c: only the types this policy has.
  g.on('sh', (argv) => (/^[a-z_]+:[a-z_]+:(shadow_t|etc_t)(:s0)?$/.test(argv[4]!) ? {} : { code: 255, stderr: `libsepol.context_from_record: type ${argv[4]!.split(':')[2]} is not defined\ninvalid context ${argv[4]}\n` }));
  return g;
}

describe('selinux-context', () => {
  it('shows a file without a label as such, and a symlink with its own label (never the target)', async () => {
    const g = guest();
    await g.fs.setXattr!('/etc/link', LABEL, 'system_u:object_r:etc_t:s0\0');
    expect((await ok(g, ['selinux-context /etc/shadow'])).stdout).toBe('/etc/shadow: no SELinux label\n');
    expect(await json(g, 'selinux-context /etc/link')).toEqual({ action: 'show', path: '/etc/link', fileType: 'symlink', previous: 'system_u:object_r:etc_t:s0', context: 'system_u:object_r:etc_t:s0', changed: false, dryRun: false });
  });

  it('--set writes the label with its NUL, after the policy check on the newest policy file; --dry-run writes nothing', async () => {
    const g = guest();
    expect((await ok(g, ['selinux-context /etc/shadow --set system_u:object_r:shadow_t:s0 --dry-run'])).stdout).toBe('would relabel /etc/shadow: no label -> system_u:object_r:shadow_t:s0\n');
    expect(await g.fs.getXattr!('/etc/shadow', LABEL)).toBeNull();
    await ok(g, ['selinux-context /etc/shadow --set system_u:object_r:shadow_t:s0']);
    expect((await g.fs.getXattr!('/etc/shadow', LABEL))!.toString()).toBe('system_u:object_r:shadow_t:s0\0');
    expect(g.execCalls.at(-1)!.argv.slice(4)).toEqual(['system_u:object_r:shadow_t:s0', '/etc/selinux/default/policy/policy.33']);
  });

  it.each([
    ['selinux-context /etc/shadow --set shadow_t', "error: not an SELinux context: 'shadow_t' (expected user:role:type[:level], e.g. system_u:object_r:etc_t:s0)"],
    ['selinux-context /etc/shadow --set system_u:object_r:nosuch_t:s0', "error: system_u:object_r:nosuch_t:s0 is not valid in the guest's SELinux policy (default): type nosuch_t is not defined"],
    ['selinux-context /etc/shadow --set system_u:object_r:etc_t:s0 --restore', 'error: selinux-context: --set and --restore cannot be used together'],
  ])('%s fails', async (cmd, line) => {
    const g = guest();
    expect(await fails(g, cmd)).toBe(line);
    expect(await g.fs.getXattr!('/etc/shadow', LABEL)).toBeNull();
  });

  it('--restore runs setfiles -F against the policy file_contexts, and checks the label it left', async () => {
    const g = guest();
    g.on('setfiles', async (argv, _o, guest) => {
      const dry = argv.includes('-n');
      if (!dry) await guest.fs.setXattr!('/etc/shadow', LABEL, 'system_u:object_r:shadow_t:s0\0');
      return { stdout: `${dry ? 'Would relabel' : 'Relabeled'} /etc/shadow from (null) to system_u:object_r:shadow_t:s0\n` };
    });
    expect((await ok(g, ['selinux-context /etc/shadow --restore'])).stdout).toBe('relabeled /etc/shadow: no label -> system_u:object_r:shadow_t:s0\n');
    expect(g.execCalls.filter((c) => c.argv[0] === 'setfiles').map((c) => c.argv.join(' '))).toEqual([
      'setfiles -n -F -v /etc/selinux/default/contexts/files/file_contexts -- /etc/shadow',
      'setfiles -F -v /etc/selinux/default/contexts/files/file_contexts -- /etc/shadow',
    ]);
  });

  it('--restore fails when setfiles says it relabeled but the label does not read back', async () => {
    const g = guest();
    g.on('setfiles', (argv) => ({ stdout: `${argv.includes('-n') ? 'Would relabel' : 'Relabeled'} /etc/shadow from (null) to system_u:object_r:shadow_t:s0\n` }));
    expect(await fails(g, 'selinux-context /etc/shadow --restore')).toBe(
      'error: restoring the SELinux label of /etc/shadow: setfiles said it would set system_u:object_r:shadow_t:s0, the label now reads no label',
    );
  });

  it('--restore on a guest without SELinux says so', async () => {
    const g = fakeGuest({ files: { '/etc/shadow': '' } });
    expect(await fails(g, 'selinux-context /etc/shadow --restore')).toBe(
      'error: restoring the SELinux label of /etc/shadow: the guest has no SELinux policy (no /etc/selinux/config or its policy directory)',
    );
  });
});

describe('selinux-audit', () => {
  it('reads audit.log and its rotations, groups with counts, and says audit2why/audit2allow are missing', async () => {
    const g = guest();
    const r = await ok(g, ['selinux-audit'], ['--json']);
    const data = JSON.parse(r.stdout);
    expect(data.files).toEqual(['/var/log/audit/audit.log', '/var/log/audit/audit.log.1']);
    expect(data.groups.map((x: { permission: string; count: number; first: number; last: number }) => [x.permission, x.count, x.first, x.last])).toEqual([
      ['read', 3, 1700000100, 1700000400],
      ['write', 1, 1700000400, 1700000400],
    ]);
    expect(r.stderr).toContain('note: audit2why: not run: the guest has no audit2why (package policycoreutils-python-utils)');
  });

  it('--since keeps the later denials; audit2allow gets them on stdin with the policy file', async () => {
    const g = guest().on('audit2why', { stdout: 'Was caused by: Missing type enforcement (TE) allow rule.\n' }).on('audit2allow', { stdout: 'allow httpd_t user_home_t:file { read write };\n' });
    g.add('/usr/bin/audit2why', '');
    g.add('/usr/bin/audit2allow', '');
    const data = await json(g, 'selinux-audit --since 2023-11-14T22:19:00Z');
    expect(data.denials).toBe(1);
    expect(data.advice.map((a: { output: string }) => a.output)).toEqual(['Was caused by: Missing type enforcement (TE) allow rule.', 'allow httpd_t user_home_t:file { read write };']);
    const call = g.execCalls.find((c) => c.argv[0] === 'audit2allow')!;
    expect(call.argv).toEqual(['audit2allow', '-p', '/etc/selinux/default/policy/policy.33']);
    expect(call.opts.stdin).toBe(AVC(4, 1700000400, 'read write'));
  });

  it('refuses a --since it cannot read', async () => {
    expect(await fails(guest(), 'selinux-audit --since yesterday')).toBe("error: --since: not a time: 'yesterday' (ISO date like 2024-05-01, or 30m, 12h, 7d)");
  });
});
