import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FakeGuest, type FakeGuestSpec } from '../helpers/fake-guest.js';
import { runLine } from '../helpers/run-command.js';
import type { SessionState } from '../../src/shell/command.js';
import type { Guest } from '../../src/guest/types.js';

// --dry-run on every command that got it in issue 13: on a fake guest, the plan it reports,
// and that nothing changed: the whole tree (content, mode, owner, link targets) is the same,
// no program that changes anything ran, and the session journal recorded nothing.
// test/e2e/dry-run.test.ts proves the same from outside on a real image.

const host = mkdtempSync(join(tmpdir(), 'guestctl-dry-run-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));

async function snapshot(g: FakeGuest): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (path: string): Promise<void> => {
    const st = await g.fs.lstat(path);
    const what = st.type === 'file' ? (await g.fs.readFile(path)).toString('base64') : st.type === 'symlink' ? await g.fs.readlink(path) : '';
    out[path] = `${st.type} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${what}`;
    if (st.type === 'directory') for (const e of await g.fs.list(path)) await visit(path === '/' ? `/${e.name}` : `${path}/${e.name}`);
  };
  await visit('/');
  return out;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n';
const GROUP = 'root:x:0:\nalice:x:1000:\n';

function image(kind: Guest['kind'] = 'image', exec: FakeGuestSpec['exec'] = {}): FakeGuest {
  return fakeGuest({
    kind,
    os: { type: 'linux', distro: 'debian', initSystem: 'systemd', packageManager: 'apt', packageFormat: 'deb' },
    exec,
    files: {
      '/etc/passwd': PASSWD,
      '/etc/group': GROUP,
      '/etc/app.conf': file('a=1\nb=2\n', { mode: 0o644 }),
      '/etc/localtime': link('/usr/share/zoneinfo/Etc/UTC'),
      '/srv/www': dir({ mode: 0o775 }),
      '/srv/www/index.html': file('<h1>hi</h1>\n', { mode: 0o664 }),
      '/srv/www/img': dir({ mode: 0o775 }),
      '/srv/www/img/logo.png': file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), { mode: 0o664 }),
      '/srv/www/current': link('index.html'),
      '/root': dir({ mode: 0o700 }),
      '/opt': dir(),
      '/var/backups': dir(),
    },
  });
}

/** Runs LINE with --json and checks nothing changed; returns the plan. */
async function dryRun(g: FakeGuest, line: string, env: Record<string, string> = {}): Promise<{ actions: string[]; diff?: string; [k: string]: unknown }> {
  const before = await snapshot(g);
  const session: SessionState = { cwd: '/' };
  const r = await runLine(line, { guest: g, json: true, session, env });
  expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  expect(await snapshot(g)).toEqual(before);
  expect(session.journal?.records ?? []).toEqual([]);
  const data = JSON.parse(r.stdout);
  expect(data.dryRun).toBe(true);
  return data;
}

async function human(g: FakeGuest, line: string): Promise<string> {
  const r = await runLine(line, { guest: g });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('--dry-run on file commands: the plan, and an unchanged tree', () => {
  it('write: a unified diff of the text it would write, for a new file from /dev/null', async () => {
    const g = image();
    const p = await dryRun(g, "write /etc/app.conf 'a=2\\nb=2\\n' --dry-run");
    expect(p.actions).toEqual(['replace /etc/app.conf (8 bytes)']);
    expect(p.diff).toContain('--- a/etc/app.conf\n+++ b/etc/app.conf\n');
    expect(p.diff).toContain('-a=1\n+a=2\n');
    const n = await dryRun(g, "write /etc/new.conf 'x\\n' --dry-run");
    expect(n.actions).toEqual(['create /etc/new.conf (2 bytes)']);
    expect(n.diff).toMatch(/^--- \/dev\/null\n\+\+\+ b\/etc\/new.conf\n/);
    const a = await dryRun(g, "write -a /etc/app.conf 'c=3\\n' --dry-run");
    expect(a.diff).toMatch(/ b=2\n\+c=3\n/);
    expect(await human(g, "write /etc/app.conf 'a=2\\n' --dry-run")).toMatch(/-a=1\n.*\nwould replace \/etc\/app.conf \(4 bytes\)\ndry run: nothing was changed\n$/s);
  });

  it('chmod and chown: each path that would change, old -> new; symlinks skipped with -R', async () => {
    const g = image();
    expect((await dryRun(g, 'chmod 0600 /etc/app.conf --dry-run')).actions).toEqual(['chmod /etc/app.conf 0644 -> 0600']);
    expect((await dryRun(g, 'chmod 0644 /etc/app.conf --dry-run')).actions).toEqual([]);
    expect((await dryRun(g, 'chmod -R go-w /srv/www --dry-run')).actions.sort()).toEqual([
      'chmod /srv/www 0775 -> 0755', 'chmod /srv/www/img 0775 -> 0755', 'chmod /srv/www/img/logo.png 0664 -> 0644', 'chmod /srv/www/index.html 0664 -> 0644',
    ]);
    expect((await dryRun(g, 'chown alice: /etc/app.conf --dry-run')).actions).toEqual(['chown /etc/app.conf root:root (0:0) -> alice:alice (1000:1000)']);
    expect((await dryRun(g, 'chown -R alice /srv/www --dry-run')).actions).toHaveLength(4);
  });

  it('mkdir: the directories it would create with their modes; what mkdir(2) refuses fails the same way', async () => {
    const g = image();
    expect((await dryRun(g, 'mkdir -p -m 0700 /opt/a/b --dry-run')).actions).toEqual(['create directory /opt/a (0755)', 'create directory /opt/a/b (0700)']);
    expect((await dryRun(g, 'mkdir -p /srv/www --dry-run')).actions).toEqual([]);
    expect((await runLine('mkdir /opt/a/b --dry-run', { guest: g })).stderr).toMatch(/^error: no such guest directory: \/opt\/a \(use mkdir -p\)/);
    expect((await runLine('mkdir /etc/app.conf --dry-run', { guest: g })).stderr).toMatch(/^error: \/etc\/app.conf exists/);
  });

  it('delete, copy, move, symlink: what would be deleted, copied, moved or linked', async () => {
    const g = image();
    expect((await dryRun(g, 'delete -r /srv/www --dry-run')).actions).toEqual([
      'delete directory /srv/www with everything in it: 2 files, 2 directories (itself included), 1 symlinks, 19 bytes',
    ]);
    expect((await dryRun(g, 'rm /srv/www/current --dry-run')).actions).toEqual(['delete symlink /srv/www/current']);
    expect((await runLine('delete /srv/www --dry-run', { guest: g })).stderr).toMatch(/use delete -r/);
    expect((await dryRun(g, 'copy -r /srv/www /opt/www --dry-run')).actions).toEqual(['copy /srv/www (2 files, 2 directories, 1 symlinks, 19 bytes) to /opt/www']);
    expect((await dryRun(g, 'cp /etc/app.conf /root/ --dry-run')).actions).toEqual(['copy file /etc/app.conf (8 bytes) to /root/app.conf']);
    expect((await dryRun(g, 'mv /etc/app.conf /srv/www/index.html --dry-run')).actions).toEqual(['move file /etc/app.conf to /srv/www/index.html (replacing the existing file)']);
    expect((await dryRun(g, 'symlink ../app.conf /etc/app.link --dry-run')).actions).toEqual(['create symlink /etc/app.link -> ../app.conf']);
    expect((await runLine('symlink x /etc/localtime --dry-run', { guest: g })).stderr).toMatch(/^error: \/etc\/localtime already exists/);
  });

  it('upload: the diff against the guest file; a binary file by its sizes', async () => {
    const g = image();
    const text = join(host, 'app.conf');
    writeFileSync(text, 'a=1\nb=3\n');
    const p = await dryRun(g, `upload ${text} /etc/app.conf --dry-run`);
    expect(p.actions).toEqual(['replace /etc/app.conf (8 -> 8 bytes)']);
    expect(p.diff).toContain('-b=2\n+b=3\n');
    const bin = join(host, 'logo.png');
    writeFileSync(bin, Buffer.from([0, 1, 2, 3]));
    const b = await dryRun(g, `upload ${bin} /srv/www/img/ --dry-run`);
    expect(b).toEqual({ dryRun: true, actions: ['replace /srv/www/img/logo.png (7 -> 4 bytes)'] });
  });

  it('edit: runs the editor and shows the diff, then writes nothing', async () => {
    const g = image();
    const editor = join(host, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\necho c=3 >> "$1"\n');
    chmodSync(editor, 0o755);
    const before = await snapshot(g);
    const r = await runLine('edit /etc/app.conf --dry-run', { guest: g, json: true, env: { EDITOR: editor, PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    expect(await snapshot(g)).toEqual(before);
    expect(JSON.parse(r.stdout)).toMatchObject({ path: '/etc/app.conf', changed: true, written: false, dryRun: true, diff: expect.stringContaining('+c=3\n') });
  });

  it('backup: the archive it would write and its members; no archive in the guest or on the host', async () => {
    const g = image();
    const inGuest = await dryRun(g, 'backup /srv/www --dry-run');
    expect(inGuest.actions[0]).toMatch(/^write the guest file \/var\/backups\/guestctl\/www-\d{8}T\d{6}Z\.tar\.gz: 5 members \(2 files, 2 directories, 19 B of file data before compression\)$/);
    const excluded = await dryRun(g, "backup /srv/www --exclude '*.png' --exclude img --dry-run");
    expect(excluded.actions[0]).toMatch(/: 3 members \(1 files, 1 directories, 12 B/);
    const to = join(host, 'www.tar.gz');
    expect((await dryRun(g, `backup /srv/www --to ${to} --dry-run`)).actions[0]).toMatch(new RegExp(`^write the host file ${to}: 5 members`));
    expect(existsSync(to)).toBe(false);
    expect(g.execCalls).toEqual([]);
    expect((await runLine('backup /nope --dry-run', { guest: g })).stderr).toMatch(/^error: /);
  });

  it('is allowed on a read-only session, which refuses the real change', async () => {
    const g = image();
    g.setReadOnly(true);
    expect((await runLine('chmod 0600 /etc/app.conf', { guest: g })).stderr).toMatch(/read-only/);
    expect((await dryRun(g, 'chmod 0600 /etc/app.conf --dry-run')).actions).toHaveLength(1);
  });
});

describe('--dry-run on package commands: apt-get -s, never the real step', () => {
  const SIM = [
    'NOTE: This is only a simulation!',
    'Inst libtree0 (2.1-1 Debian:12.5/stable [amd64])',
    'Inst tree (2.1.0-1 Debian:12.5/stable [amd64])',
    'Inst openssl [3.0.11-1~deb12u2] (3.0.13-1~deb12u1 Debian-Security:12/stable-security [amd64])',
    'Remv nano [7.2-1]',
    'Conf tree (2.1.0-1 Debian:12.5/stable [amd64])',
  ].join('\n');
  const sh = (argv: string[]) => ({ stdout: argv[4] === '1' ? `Hit:1 http://deb.debian.org/debian bookworm InRelease\nReading package lists...\n@@ refreshed\n${SIM}\n` : `${SIM}\n` });
  const apt = () => image('image', { '/bin/sh': sh });
  const simulated = (g: FakeGuest) => g.execCalls.map((c) => c.argv);

  it('install: refreshes privately, simulates the real apt-get install, and lists what would change with versions', async () => {
    const g = apt();
    const p = await dryRun(g, 'install tree --no-recommends --dry-run');
    expect(p).toEqual({
      dryRun: true,
      refreshed: true,
      installed: [{ name: 'libtree0', arch: 'amd64', version: '2.1-1' }, { name: 'tree', arch: 'amd64', version: '2.1.0-1' }],
      upgraded: [{ name: 'openssl', arch: 'amd64', from: '3.0.11-1~deb12u2', to: '3.0.13-1~deb12u1' }],
      removed: [{ name: 'nano', arch: '', version: '7.2-1' }],
    });
    const [call] = simulated(g);
    expect(call!.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(call![2]).toContain('apt-get -s -q $opts "$@"');
    expect(call![2]).toContain('Dir::State::Lists=$lists');
    expect(call!.slice(4)).toEqual(['1', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'install', '--no-install-recommends', '--', 'tree']);
    expect(g.execCalls).toHaveLength(1); // no apt-get update, no install, no dpkg-query
    expect(g.execCalls[0]!.opts.network).toBe(true);
  });

  it('remove and update: the same simulation of their real step (remove without a refresh, offline)', async () => {
    const g = apt();
    expect((await dryRun(g, 'remove --purge nano --dry-run')).refreshed).toBe(false);
    expect(simulated(g)[0]!.slice(4)).toEqual(['0', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'purge', '--', 'nano']);
    expect(g.execCalls[0]!.opts.network).toBe(false);
    await dryRun(g, 'update --dry-run');
    expect(simulated(g)[1]!.slice(4)).toEqual(['1', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'upgrade']);
    expect(await human(g, 'update openssl --dry-run')).toMatch(/^WOULD\s+PACKAGE\s+ARCH\s+VERSION\n.*upgrade\s+openssl\s+amd64\s+3\.0\.11-1~deb12u2 -> 3\.0\.13-1~deb12u1\n.*dry run: nothing was changed/s);
  });

  it('a failed refresh or simulation is one error line naming the step; a host package file is refused', async () => {
    const g = image('image', { '/bin/sh': { stdout: 'W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve deb.debian.org\n@@ refreshed\n' } });
    expect((await runLine('install tree --dry-run', { guest: g })).stderr).toMatch(/^error: apt-get update \(for the dry run, into \/run\/guestctl-dry-run-apt\): could not reach deb.debian.org/);
    const h = image('image', { '/bin/sh': { code: 100, stdout: 'E: Unable to locate package nosuch\n' } });
    expect((await runLine('remove nosuch --dry-run', { guest: h })).stderr).toMatch(/^error: apt-get remove \(simulated\) failed: no package named nosuch/);
    const deb = join(host, 'tool_1.0_amd64.deb');
    writeFileSync(deb, '!<arch>\n');
    expect((await runLine(`install ${deb} --dry-run`, { guest: apt() })).stderr).toMatch(/^error: install --dry-run takes package names/);
  });

  it('other managers are refused, not faked', async () => {
    const g = fakeGuest({ os: { type: 'linux', distro: 'rocky', packageManager: 'dnf', packageFormat: 'rpm' } });
    expect((await runLine('install tree --dry-run', { guest: g })).stderr).toMatch(/^error: dnf install --dry-run: only apt's simulation/);
    expect(g.execCalls).toEqual([]);
  });

  it('search --dry-run never fetches lists: with none it finds nothing and says why', async () => {
    const g = apt();
    const r = await runLine('search tree --dry-run', { guest: g, json: true });
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toMatch(/no package lists and they are not fetched/);
    expect(g.execCalls).toEqual([]);
  });
});

describe('--dry-run on live processes and units: what would get which signal or action', () => {
  const UNIT_FILES = 'cron.service enabled enabled\ndebug-shell.service disabled disabled\nssh.service enabled enabled\n';
  const systemctl = (argv: string[]) => {
    if (argv.includes('list-unit-files')) return { stdout: UNIT_FILES };
    if (argv.includes('show')) return { stdout: 'Id=ssh.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=612\n' };
    return { code: 1, stderr: 'not in a dry run\n' };
  };
  const live = () => {
    const g = image('live', { systemctl, kill: { code: 1 } });
    g.add('/proc/612/stat', '612 (sshd) S 1 612 612 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n');
    return g;
  };

  it('kill: names the process and the signal; kill never runs', async () => {
    const g = live();
    expect((await dryRun(g, 'kill 612 HUP --dry-run')).actions).toEqual(['send SIGHUP to process 612 (sshd, state S)']);
    expect((await runLine('kill 999 --dry-run', { guest: g })).stderr).toMatch(/^error: no process 999/);
    expect(g.execCalls.filter((c) => c.argv[0] === 'kill')).toEqual([]);
  });

  it('restart: the unit and its state now; only systemctl show runs', async () => {
    const g = live();
    expect((await dryRun(g, 'restart ssh --dry-run')).actions).toEqual(['systemctl restart ssh.service (now active (running), main PID 612)']);
    expect(g.execCalls.map((c) => c.argv[1])).toEqual(['show']);
  });

  it('enable, disable, mask, unmask: the units whose state would change; systemctl only lists', async () => {
    const g = image('image', { systemctl });
    expect((await dryRun(g, 'enable debug-shell cron --dry-run')).actions).toEqual(['systemctl enable debug-shell (disabled now)']);
    expect((await dryRun(g, 'disable cron --dry-run')).actions).toEqual(['systemctl disable cron (enabled now)']);
    expect((await dryRun(g, 'mask ssh --dry-run')).actions).toEqual(['systemctl mask ssh (enabled now)']);
    expect((await dryRun(g, 'unmask ssh --dry-run')).actions).toEqual([]);
    expect((await runLine('enable nosuch --dry-run', { guest: g })).stderr).toMatch(/^error: enable: the guest has no unit 'nosuch'/);
    expect(g.execCalls.every((c) => c.argv.includes('list-unit-files'))).toBe(true);
  });
});

describe('file commands print guest names escaped (a name may carry terminal escapes)', () => {
  it.each([
    ["write '/root/a\x1b]0;pwned\x07' 'x'", 'created /root/a\\e]0;pwned\\a (1 bytes)\n'],
    ["mkdir '/root/d\x1b[2J'", 'created /root/d\\e[2J (0755)\n'],
    ["symlink '\x1b[2J' /root/l", 'created /root/l -> \\e[2J\n'],
    ["chmod 0600 '/srv/e\x1b[2J'", 'mode of /srv/e\\e[2J: 0644 -> 0600\n'],
    ["write '/root/b\x1b[2J' 'x' --dry-run", 'would create /root/b\\e[2J (1 bytes)\n'],
  ])('%s', async (line, expected) => {
    const g = image();
    g.add('/srv/e\x1b[2J', 'x');
    const out = await human(g, line);
    expect(out).toContain(expected);
    expect(out).not.toContain('\x1b');
  });
});
