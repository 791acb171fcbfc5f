import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runLine, type RunResult } from '../../helpers/run-command.js';
import { dir, fakeGuest, link, special } from '../../helpers/fake-guest.js';

// Advanced File Operations (tree, grep, diff) on a fake guest: what they print, count, skip and
// refuse. test/e2e/advanced-files.test.ts checks them against the guest's own find and grep and
// the host's diff on real images.

const guest = fakeGuest({
  files: {
    '/srv': dir(),
    '/srv/app': dir(),
    '/srv/app/a.conf': 'listen 80\nname alpha\n',
    '/srv/app/b.conf': 'listen 443\nName Beta\n',
    '/srv/app/.hidden': 'listen 8080\n',
    '/srv/app/blob.bin': Buffer.from('listen\0binary\n'),
    '/srv/app/escape': link('/../../../../etc/shadow'),
    '/srv/app/up': link('..'),
    '/srv/app/sub': dir(),
    '/srv/app/sub/deep.txt': 'deep listen\n',
    '/srv/app/fifo': special('fifo'),
    '/srv/weird\x1b[2Jname': 'x\n',
    '/srv/other': dir(),
    '/srv/other/a.conf': 'listen 81\nname alpha\n',
    '/srv/other/b.conf': 'listen 443\nName Beta\n',
    '/srv/other/sub': 'now a file\n',
    '/srv/other/only-here': 'x\n',
    '/srv/other/escape': link('/etc/passwd'),
    '/srv/other/up': link('..'),
    '/srv/other/blob.bin': Buffer.from('listen\0other\n'),
    '/srv/other/fifo': special('fifo'),
  },
});
const sh = (line: string, opts: { json?: boolean } = {}) => runLine(line, { guest, ...opts });
const json = (r: RunResult): any => JSON.parse(r.stdout);

const hostDir = mkdtempSync(`${tmpdir()}/guestctl-aft-`);
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

describe('tree', () => {
  it('draws like tree(1), shows links without entering them, counts links to directories as directories', async () => {
    const r = await sh('tree /srv/app');
    expect(r.stdout).toBe(
      [
        '/srv/app',
        '├── a.conf',
        '├── b.conf',
        '├── blob.bin',
        '├── escape -> /../../../../etc/shadow',
        '├── fifo',
        '├── sub',
        '│   └── deep.txt',
        '└── up -> ..',
        '',
        '2 directories, 6 files',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('-a shows hidden entries, -L limits the depth, -d lists directories only', async () => {
    expect((await sh('tree -a -L 1 /srv/app')).stdout).toContain('├── .hidden\n');
    expect((await sh('tree -L 1 /srv/app')).stdout).not.toContain('deep.txt');
    expect((await sh('tree -d /srv/app')).stdout).toBe('/srv/app\n├── sub\n└── up -> ..\n\n2 directories\n');
    expect((await sh('tree -d -L 1 /srv')).stdout).toBe('/srv\n├── app\n└── other\n\n2 directories\n');
  });

  it('escapes guest names for the terminal, --json keeps them', async () => {
    const r = await sh('tree -L 1 /srv');
    expect(r.stdout).toContain('weird\\e[2Jname');
    expect(r.stdout).not.toContain('\x1b');
    const j = json(await sh('tree -L 1 /srv', { json: true }));
    expect(j.root.contents.map((n: any) => n.name)).toContain('weird\x1b[2Jname');
    expect(j).toMatchObject({ directories: 2, files: 1 });
  });

  it('refuses a file', async () => {
    expect((await sh('tree /srv/app/a.conf')).code).toBe(2);
  });
});

describe('grep', () => {
  it('prints path:line:text with -rn, never following links or reading fifos, skipping binary files with a note', async () => {
    const r = await sh('grep -rn listen /srv/app');
    expect(r.stdout).toBe('/srv/app/.hidden:1:listen 8080\n/srv/app/a.conf:1:listen 80\n/srv/app/b.conf:1:listen 443\n/srv/app/sub/deep.txt:1:deep listen\n');
    expect(r.stderr).toContain('skipped 1 binary file');
    expect(r.code).toBe(0);
  });

  it('-i, -l, one file without a name, alternation and POSIX classes', async () => {
    expect((await sh('grep -i name /srv/app/b.conf')).stdout).toBe('Name Beta\n');
    expect((await sh('grep name /srv/app/b.conf')).code).toBe(1);
    expect((await sh('grep -rl Beta /srv')).stdout).toBe('/srv/app/b.conf\n/srv/other/b.conf\n');
    expect((await sh("grep 'alpha|Beta' /srv/app/a.conf /srv/app/b.conf")).stdout).toBe('/srv/app/a.conf:name alpha\n/srv/app/b.conf:Name Beta\n');
    expect((await sh("grep -n 'listen [[:digit:]]{3}$' /srv/app/b.conf")).stdout).toBe('1:listen 443\n');
  });

  it('exit 1 when nothing matched, 2 on a directory without -r or a fifo; --json gives the matches', async () => {
    expect((await sh('grep nomatch-anywhere -r /srv')).code).toBe(1);
    const d = await sh('grep listen /srv/app');
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('Is a directory');
    expect((await sh('grep listen /srv/app/fifo')).code).toBe(2);
    const j = json(await sh('grep -r 443 /srv', { json: true }));
    expect(j.matches).toEqual([
      { path: '/srv/app/b.conf', line: 1, text: 'listen 443' },
      { path: '/srv/other/b.conf', line: 1, text: 'listen 443' },
    ]);
  });

  it('an explicit symlink is followed inside the guest, an invalid pattern is a usage error', async () => {
    expect((await sh('grep -r deep /srv/app/up')).stdout).toContain('/deep.txt:deep listen');
    expect((await sh("grep '(' /srv/app/a.conf")).code).toBe(2);
  });
});

describe('diff', () => {
  it('two guest files: a unified diff, exit 1; the same file: nothing, exit 0', async () => {
    const r = await sh('diff /srv/app/a.conf /srv/other/a.conf');
    expect(r.stdout).toBe('--- /srv/app/a.conf\n+++ /srv/other/a.conf\n@@ -1,2 +1,2 @@\n-listen 80\n+listen 81\n name alpha\n');
    expect(r.code).toBe(1);
    const same = await sh('diff /srv/app/b.conf /srv/other/b.conf');
    expect([same.stdout, same.code]).toEqual(['', 0]);
    expect((await sh('diff -U 0 /srv/app/a.conf /srv/other/a.conf')).stdout).toContain('@@ -1 +1 @@\n-listen 80\n+listen 81\n');
  });

  it('-r reports Only in, type changes, link targets and binary files as GNU diff does', async () => {
    const r = await sh('diff -r /srv/app /srv/other');
    expect(r.stdout.split('\n').filter((l) => !/^([-+@ ]|$)/.test(l))).toEqual([
      'Only in /srv/app: .hidden',
      'diff -r /srv/app/a.conf /srv/other/a.conf',
      'Binary files /srv/app/blob.bin and /srv/other/blob.bin differ',
      'Symbolic links /srv/app/escape -> /../../../../etc/shadow and /srv/other/escape -> /etc/passwd differ',
      'Only in /srv/other: only-here',
      'File /srv/app/sub is a directory while file /srv/other/sub is a regular file',
    ]);
    expect(r.code).toBe(1);
    const j = json(await sh('diff -r /srv/app /srv/other', { json: true }));
    expect(j.differences.map((d: any) => d.kind)).toEqual(['only', 'changed', 'binary', 'link', 'only', 'type']);
    expect((await sh('diff /srv/app /srv/other')).code).toBe(2);
  });

  it('host:PATH reads a host file; a guest path with a colon stays a guest path', async () => {
    writeFileSync(`${hostDir}/a.conf`, 'listen 80\nname alpha\n');
    const r = await sh(`diff /srv/app/a.conf host:${hostDir}/a.conf`);
    expect([r.stdout, r.code]).toEqual(['', 0]);
    const missing = await sh('diff /srv/app/a.conf not-an-image.qcow2:/x');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/not-an-image.qcow2:');
  });
});
