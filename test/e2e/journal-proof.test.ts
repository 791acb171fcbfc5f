// The change journal's two proofs on copies of the Debian fixture (issue 13):
// - a session touching users, ssh keys, hostname, timezone, files, modes, owners and a package,
//   then `undo --all`: the whole tree (content and metadata, by the guest's own find and
//   sha256sum in a new read-only session) equals the pristine copy's;
// - the same session saved with template-save and replayed on a fresh copy with
//   `guestctl interactive B < FILE`: the same tree, except the files that record when or with
//   which random salt something was done (logs, the password hash, caches).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { manifestDifferences, treeManifest } from '../helpers/tree-manifest.js';

const dir = tempDir('guestctl-journal-proof-');
const LONG = { timeout: 900_000 };
const host = (name: string) => join(dir.path, name);
let pristine: string;
let pristineTree: Map<string, string>;

function script(): string[] {
  return [
    `adduser alice --password-file ${host('alice.pw')} --groups users`,
    `ssh-addkey alice ${host('alice.pub')}`,
    'hostname journal-web',
    'timezone Europe/Paris',
    "write /etc/motd 'managed by guestctl\\n'",
    'mkdir -p /srv/www/site',
    "write /srv/www/site/index.html '<h1>hi</h1>\\n'",
    'chown alice:alice /srv/www/site/index.html',
    'chmod 600 /etc/issue',
    'chmod 4711 /usr/bin/dpkg-deb',
    'install hello',
  ];
}

function copyOf(img: string, name: string): string {
  const to = host(name);
  execFileSync('cp', ['--sparse=always', img, to]);
  return to;
}

beforeAll(async () => {
  writeFileSync(host('alice.pw'), 'Journal-pw-1\n', { mode: 0o600 });
  writeFileSync(host('alice.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGqk8T7u6mKAbbD9qhRYcRz6NH7b1ZJpKL3Qm3sFIY9B alice@example\n');
  pristine = await workCopy('debian', dir.path);
  pristineTree = await treeManifest(pristine);
}, 600_000);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('undo --all', () => {
  it('after users, ssh keys, hostname, timezone, files, modes, owners and a package: the tree equals the pristine copy', LONG, async () => {
    const img = copyOf(pristine, 'undo.qcow2');
    const r = await shell(img, [...script(), 'cat /etc/hostname', 'packages hello', 'undo --all']);
    expect(r.code, r.stderr).toBe(0);
    // The changes were made (read in the same session before the undo) ...
    expect(r.stdout).toContain('journal-web');
    expect(r.stdout).toMatch(/hello\s+2\./);
    // ... and every one was reverted: nothing reported as not undone.
    expect(r.stdout).not.toContain('NOT UNDONE');
    expect(r.stdout).toContain('purged      hello');
    const after = await treeManifest(img);
    expect(manifestDifferences(pristineTree, after)).toEqual([]);
    // The guest's own checks agree: no package half-installed, accounts consistent.
    const check = await shell(img, ['run dpkg --audit', 'run dpkg -s hello'], ['--ro']);
    expect(check.stderr).toMatch(/package 'hello' is not installed/);
  });
});

describe('template-save and replay', () => {
  it('the template of that session, replayed on a fresh copy, gives the same tree (bar logs, salts and caches)', LONG, async () => {
    const a = copyOf(pristine, 'a.qcow2');
    const tpl = host('session.gcs');
    const made = await shell(a, [...script(), `template-save ${tpl}`]);
    expect(made.code, made.stderr).toBe(0);
    const text = readFileSync(tpl, 'utf8');
    expect(text).not.toContain('Journal-pw-1');
    const b = copyOf(pristine, 'b.qcow2');
    const replay = await guestctl(['interactive', b], { input: text, env: sessionEnv(b), timeoutMs: 900_000 });
    expect(replay.code, replay.stderr).toBe(0);
    const treeA = await treeManifest(a);
    // The script did change the tree (so the undo proof above is not vacuous).
    expect(pristineTree.size).toBeGreaterThan(10_000);
    expect(manifestDifferences(pristineTree, treeA)).toEqual(
      expect.arrayContaining(['/etc/hostname', '/etc/passwd', '/etc/localtime', '/etc/issue', '/home/alice/.ssh/authorized_keys', '/srv/www/site/index.html', '/usr/bin/dpkg-deb', '/usr/bin/hello']),
    );
    const differ = manifestDifferences(treeA, await treeManifest(b));
    const expected = (p: string) =>
      p === '/etc/shadow' || p === '/etc/shadow-' || // a new random salt per hash
      /^\/var\/log\/(apt\/|dpkg\.log$|alternatives\.log$)/.test(p) || // dated log lines
      /^\/var\/cache\/(apt\/[a-z]*pkgcache\.bin|debconf\/)/.test(p); // apt's binary caches and debconf's database carry times
    expect(differ.filter((p) => !expected(p))).toEqual([]);
    // The password is the same on both: the guest's own tools accept it (the hash differs only by salt).
    for (const img of [a, b]) {
      const st = await shell(img, ['run passwd -S alice'], ['--ro']);
      expect(st.stdout).toMatch(/^alice P /m);
    }
  });
});

describe('undo of a package install whose purge and maintainer scripts reach beyond its own files', () => {
  // nginx: its postinst writes /var/www/html/index.nginx-debian.html (outside the package state
  // trees) and the purge of nginx-common deletes /etc/nginx, with a file the user had put there
  // before the install. Undo must bring the user's file back and remove the page, or say what not.
  it('a user file in /etc/nginx made earlier comes back, the default page goes, the tree equals the state before the install', LONG, async () => {
    const img = copyOf(pristine, 'nginx.qcow2');
    const a = await shell(img, ['mkdir -p /etc/nginx/conf.d', "write /etc/nginx/conf.d/mine.conf 'server_tokens off;\\n'"]);
    expect(a.code, a.stderr).toBe(0);
    const beforeInstall = await treeManifest(img);
    const b = await shell(img, ['install nginx', 'stat /var/www/html/index.nginx-debian.html', 'changes', 'undo']);
    expect(b.stdout).toContain('created  /var/www/html/index.nginx-debian.html (outside the snapshotted trees');
    expect(b.stdout).toContain('purged      nginx-common');
    const notUndone = [...b.stdout.matchAll(/^ {3}NOT UNDONE {2}(\S+):/gm)].map((m) => m[1]!);
    // Exit 1 exactly when undo names something it could not undo (it is the last command).
    expect(b.code, b.stderr).toBe(notUndone.length > 0 ? 1 : 0);
    expect(b.stdout).toMatch(/^undid 1\. install nginx$/m);
    const after = await treeManifest(img);
    expect(manifestDifferences(beforeInstall, after).filter((p) => !notUndone.includes(p))).toEqual([]);
    expect([...after.keys()].filter((p) => p.startsWith('/var/www'))).toEqual([]);
    // The guest's own tools, in a new process: the user's file is back byte for byte, nginx is gone.
    const check = await shell(img, ['run cat /etc/nginx/conf.d/mine.conf', 'run dpkg --audit', 'run dpkg -s nginx'], ['--ro']);
    expect(check.stdout).toContain('server_tokens off;\n');
    expect(check.stderr).toMatch(/package 'nginx' is not installed/);
  });
});
