import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// guestctl diff IMAGE_A IMAGE_B: two overlays of the debian fixture, the second changed
// through guestctl, compared read-only; and the hostile image, whose links lead to host files.

const dir = tempDir('guestctl-image-diff-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const diff = (a: string, b: string, extra: string[] = []) => guestctl(['diff', a, b, ...extra], { env: sessionEnv(a), timeoutMs: 300_000 });

interface Row {
  path: string;
  status: string;
  changed?: string[];
  a?: Record<string, unknown>;
  b?: Record<string, unknown>;
  xattrNames?: string[];
}
const summary = (rows: Row[]) => rows.map((r) => [r.path, r.status, ...(r.changed ? [r.changed] : [])]);

describe('guestctl diff on two overlays of the debian fixture', () => {
  let a: string;
  let b: string;

  it('lists exactly what was changed through guestctl, and leaves both images unchanged', async () => {
    a = await workCopy('debian', dir.path);
    b = await workCopy('debian', dir.path);
    const setup = await shell(b, [
      "write /etc/hostname 'deb12-fixturX\\n'", // same size as before: only a hash tells
      'chmod 0600 /etc/fstab',
      'delete /etc/issue.net',
      'symlink /etc/shadow /srv/shadow-link',
      "write /root/added.txt 'hello\\n'",
      'run setcap cap_net_raw+ep /usr/bin/sleep',
      'selinux-context /etc/hosts --set system_u:object_r:etc_t:s0',
    ]);
    expect(setup.code, setup.stderr).toBe(0);
    const before = [sha(a), sha(b)];

    const r = await diff(a, b, ['--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.identical).toBe(false);
    expect(report.sharedBase).toBe(true);
    expect(summary(report.differences)).toEqual([
      ['/etc/fstab', 'changed', ['mode']],
      ['/etc/hostname', 'changed', ['content']],
      ['/etc/hosts', 'changed', ['xattrs']],
      ['/etc/issue.net', 'removed'],
      ['/root/added.txt', 'added'],
      ['/srv/shadow-link', 'added'],
      ['/usr/bin/sleep', 'changed', ['xattrs']],
    ]);
    const row = (p: string) => report.differences.find((d: Row) => d.path === p) as Row;
    expect(row('/etc/fstab').a).toEqual({ type: 'file', mode: 0o644 });
    expect(row('/etc/fstab').b).toEqual({ type: 'file', mode: 0o600 });
    const hostname = row('/etc/hostname');
    expect(hostname.b!.sha256).toBe(createHash('sha256').update('deb12-fixturX\n').digest('hex'));
    expect(hostname.a!.sha256).toBe(createHash('sha256').update('deb12-fixture\n').digest('hex'));
    expect(row('/srv/shadow-link').b).toMatchObject({ type: 'symlink', target: '/etc/shadow' });
    expect(row('/etc/hosts').b!.xattrs).toEqual({ 'security.selinux': Buffer.from('system_u:object_r:etc_t:s0\0').toString('hex') });
    expect(row('/usr/bin/sleep').xattrNames).toEqual(['security.capability']);
    // Only files whose ctime moved were read: the rest of the tree is proven unchanged by metadata.
    expect(report.hashed).toBeLessThan(10);
    expect(report.entries.a).toBeGreaterThan(10_000);

    expect([sha(a), sha(b)]).toEqual(before);
    // The changed image still shows the changes, seen by the guest's own tools.
    const check = await shell(b, ['run getcap /usr/bin/sleep', 'run stat -c %a /etc/fstab', 'run cat /etc/hostname'], ['--ro']);
    expect(check.stdout).toContain('cap_net_raw=ep');
    expect(check.stdout).toContain('600\n');
    expect(check.stdout).toContain('deb12-fixturX');
  });

  it('human output: one escaped line per difference, sorted by path', async () => {
    const r = await diff(a, b);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe(
      [
        '~ /etc/fstab: mode 0644 -> 0600',
        '~ /etc/hostname: content',
        '~ /etc/hosts: xattrs security.selinux',
        '- /etc/issue.net (file)',
        '+ /root/added.txt (file)',
        '+ /srv/shadow-link (symlink -> /etc/shadow)',
        '~ /usr/bin/sleep: xattrs security.capability',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain('2 added, 1 removed, 4 changed');
  });

  it('--path limits the walk; --checksum hashes every same-size file and finds the same', async () => {
    const r = await diff(a, b, ['--json', '--path', '/etc', '--checksum']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.sharedBase).toBe(false);
    expect(report.hashed).toBeGreaterThan(100);
    expect(summary(report.differences)).toEqual([
      ['/etc/fstab', 'changed', ['mode']],
      ['/etc/hostname', 'changed', ['content']],
      ['/etc/hosts', 'changed', ['xattrs']],
      ['/etc/issue.net', 'removed'],
    ]);
    const meta = await diff(a, b, ['--json', '--path', '/etc', '--no-content']);
    // Same size, metadata only: the new hostname is not seen.
    expect(summary(JSON.parse(meta.stdout).differences).map((d) => d[0])).toEqual(['/etc/fstab', '/etc/hosts', '/etc/issue.net']);
  });

  it('identical images: exit 0, nothing printed', async () => {
    const c = await workCopy('debian', dir.path);
    const r = await diff(a, c);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const j = await diff(a, c, ['--json', '--path', '/etc']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ identical: true, differences: [] });
  });

  it('Ctrl-C while hashing: exit 130, both images closed', async () => {
    const child = spawn(process.execPath, [BIN, 'diff', a, b, '--checksum'], { env: { ...process.env, ...sessionEnv(a) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((res) => setTimeout(res, 6000));
    child.kill('SIGINT');
    const code = await new Promise((res) => child.on('exit', res));
    expect(code, stderr).toBe(130);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('errors exit 2: a missing image, a path in neither image', async () => {
    const missing = await diff(a, `${dir.path}/nope.qcow2`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.qcow2');
    const neither = await diff(a, b, ['--path', '/no/such/dir']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('/no/such/dir is in neither image');
  });
});

describe('guestctl diff on the hostile image', () => {
  it('reports links to host files as links, never follows them, escapes names', async () => {
    const hostShadow = readFileSync('/etc/shadow', 'utf8');
    const rootHash = hostShadow.split('\n').find((l) => l.startsWith('root:'))!.split(':')[1]!;
    const a = await workCopy('hostile', dir.path);
    const b = await workCopy('hostile', dir.path);
    const setup = await shell(b, ['delete /etc/hostname', 'symlink /../../../../etc/passwd /etc/hostname', "write '/tmp/esc\x1b[2Jname' 'x\\n'"]);
    expect(setup.code, setup.stderr).toBe(0);
    const before = [sha(a), sha(b)];

    // --checksum: every file of the same size is read; a link must still never be opened.
    const r = await diff(a, b, ['--json', '--checksum']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(summary(report.differences)).toEqual([
      ['/etc/hostname', 'changed', ['target']],
      ['/tmp/esc\x1b[2Jname', 'added'],
    ]);
    expect(report.differences[0].a).toEqual({ type: 'symlink', target: '/../../../../etc/shadow' });
    expect(report.differences[0].b).toEqual({ type: 'symlink', target: '/../../../../etc/passwd' });
    // Links into the host (/root/escape -> ../../.., /root/.ssh -> /tmp) were not entered.
    expect(r.stdout).not.toContain('/root/escape/');
    expect(r.stdout).not.toContain('/root/.ssh/');
    if (rootHash.length > 2) expect(r.stdout).not.toContain(rootHash);

    const human = await diff(a, b);
    expect(human.stdout).toContain('+ /tmp/esc\\e[2Jname (file)\n');
    expect(human.stdout).not.toContain('\x1b');
    // A --path that is a link (here to ../../../..) is refused, not followed.
    const viaLink = await diff(a, b, ['--path', '/root/escape']);
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toContain('--path /root/escape is a symlink');
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
    expect([sha(a), sha(b)]).toEqual(before);
  });
});
