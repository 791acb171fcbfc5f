import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// tree, grep and diff on real images, checked against the guest's own find and grep (in the
// jail) and the host's diff; and on the hostile image, whose links lead to host paths: they are
// shown, never followed.

const dir = tempDir('guestctl-advanced-files-');
const canary = '/tmp/guestctl-canary';

beforeAll(() => {
  mkdirSync(canary, { recursive: true });
  writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
  writeFileSync(`${canary}/issue`, 'HOST ISSUE CANARY\n');
});

afterAll(() => {
  expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
  expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** GNU grep's lines, without its notes about binary files (guestctl skips those files). */
const textLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l !== '' && !/^(grep: .*: binary file matches|Binary file .* matches)$/.test(l))
    .sort();

describe('tree, grep and diff on the debian fixture', () => {
  it("tree -a -L 2 /etc counts what the guest's find counts", async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['tree -a -L 2 /etc', "run sh -c 'find /etc -mindepth 1 -maxdepth 2 -xtype d | wc -l; find /etc -mindepth 1 -maxdepth 2 | wc -l'"], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    const m = /\n(\d+) directories, (\d+) files\n\s*(\d+)\n\s*(\d+)\n$/.exec(r.stdout);
    expect(m, r.stdout.slice(-300)).not.toBeNull();
    const [dirs, files, findDirs, findAll] = m!.slice(1).map(Number) as [number, number, number, number];
    expect(dirs).toBe(findDirs);
    expect(dirs + files).toBe(findAll);
    expect(r.stdout).toMatch(/\n[│ ]   [├└]── /); // drawn two levels deep
  });

  it("grep -rn agrees with the guest's own grep -rn in the jail", async () => {
    const img = await workCopy('debian', dir.path);
    const ours = await shell(img, ['grep -rn root /etc'], ['--ro']);
    expect(ours.code, ours.stderr).toBe(0);
    const theirs = await shell(img, ['run grep -rn root /etc'], ['--ro']);
    expect(theirs.code, theirs.stderr).toBe(0);
    const lines = textLines(ours.stdout);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines).toEqual(textLines(theirs.stdout));
  });

  it("diff against IMAGE:PATH (a changed copy) matches the host's diff -u of the two contents", async () => {
    const base = await workCopy('debian', dir.path);
    const changed = await workCopy('debian', dir.path);
    const orig = await shell(base, ['cat /etc/login.defs'], ['--ro']);
    expect(orig.code, orig.stderr).toBe(0);
    const edited = orig.stdout.replace(/^UMASK\s+\S+$/m, 'UMASK\t\t027');
    expect(edited).not.toBe(orig.stdout);
    writeFileSync(`${dir.path}/a.defs`, orig.stdout);
    writeFileSync(`${dir.path}/b.defs`, edited);
    const up = await shell(changed, [`upload ${dir.path}/b.defs /etc/login.defs`]);
    expect(up.code, up.stderr).toBe(0);

    const r = await shell(base, [`diff /etc/login.defs ${changed}:/etc/login.defs`], ['--ro']);
    expect(r.code, r.stderr).toBe(1);
    let host = '';
    try {
      execFileSync('diff', ['-u', `${dir.path}/a.defs`, `${dir.path}/b.defs`], { encoding: 'utf8' });
    } catch (err) {
      host = (err as { stdout: string }).stdout;
    }
    const hunks = (text: string) => text.slice(text.indexOf('\n@@'));
    expect(hunks(host)).toContain('+UMASK');
    expect(hunks(r.stdout)).toBe(hunks(host));
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['--- /etc/login.defs', `+++ ${changed}:/etc/login.defs`]);

    const etcDiff = await shell(base, [`diff -r /etc ${changed}:/etc`], ['--ro', '--json']);
    const etc = JSON.parse(etcDiff.stdout);
    const docDiff = await shell(base, [`diff -r /usr/share/doc ${changed}:/usr/share/doc`], ['--ro', '--json']);
    expect(docDiff.code, docDiff.stderr).toBe(0);
    const doc = JSON.parse(docDiff.stdout);
    expect(etc.differences.map((d: any) => [d.kind, d.a])).toEqual([['changed', '/etc/login.defs']]);
    expect(doc.differences).toEqual([]);
  });
});

describe('tree, grep and diff on the hostile image', () => {
  it('tree shows the links to host paths as links and never enters them', async () => {
    const img = await workCopy('hostile', dir.path);
    const one = await shell(img, ['tree -a /root'], ['--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).root.contents).toEqual(
      expect.arrayContaining([
        { name: '.ssh', type: 'symlink', target: '/tmp' },
        { name: 'escape', type: 'symlink', target: '../../../../../../..' },
      ]),
    );
    const etc = await shell(img, ['tree -a /etc', 'tree -a /var']);
    expect(etc.code, etc.stderr).toBe(0);
    expect(etc.stdout).toContain('motd -> ../../../../../../../../tmp/guestctl-canary/motd');
    expect(etc.stdout).toContain('loop1 -> /var/loop2');
    expect(etc.stdout).not.toContain('CANARY');
  });

  it('grep -r never reads a host file through a link, and an explicit link resolves inside the guest', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['grep -r CANARY /']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const named = await shell(img, ['grep CANARY /etc/motd /etc/issue']);
    expect(named.stdout).not.toContain('CANARY');
    expect(named.code).not.toBe(0);
    expect(named.stderr).toContain('grep: /etc/motd: no such file or directory: /tmp/guestctl-canary');
    const shadow = await shell(img, ['grep -n root /etc/hostname']);
    expect(shadow.stdout).toBe('1:root:GUEST-SHADOW:19000:0:99999:7:::\n');
  });

  it('diff -r compares the links by target, and never opens what they point at', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['diff -r /root /home', 'diff /etc/motd host:/tmp/guestctl-canary/motd'], ['--keep-going']);
    expect(r.stdout).toContain('Only in /root: .ssh\nOnly in /home: alice\nOnly in /root: escape\nOnly in /home: evil\n');
    expect(r.stdout).not.toContain('CANARY');
    expect(r.stderr).toContain('no such file or directory: /tmp/guestctl-canary');
  });
});
