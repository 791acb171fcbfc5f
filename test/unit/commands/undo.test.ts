import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import type { SessionState } from '../../../src/shell/command.js';
import type { GuestFs } from '../../../src/guest/types.js';

function guest() {
  return fakeGuest({
    files: {
      '/etc': dir(),
      '/etc/motd': file('hello\n', { mode: 0o644 }),
      '/etc/hostname': 'web01\n',
      '/etc/alt': link('/etc/motd'),
      '/srv': dir({ mode: 0o750, uid: 33, gid: 33 }),
      '/srv/site': dir(),
      '/srv/site/index.html': file('<h1>hi</h1>\n', { uid: 33, gid: 33 }),
      '/usr/bin/tool': file('#!/bin/sh\n', { mode: 0o4755 }),
    },
    os: { distro: 'debian', hostname: 'web01' },
  });
}

/** Every path with its type, mode, owner, content and link target: the state undo must bring back. */
async function state(fs: GuestFs, path = '/', out: string[] = []): Promise<string[]> {
  const st = await fs.lstat(path);
  const extra = st.type === 'file' ? (await fs.readFile(path)).toString('base64') : st.type === 'symlink' ? await fs.readlink(path) : '';
  out.push(`${path} ${st.type} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${extra}`);
  if (st.type === 'directory') for (const e of (await fs.list(path)).sort((a, b) => a.name.localeCompare(b.name))) await state(fs, path === '/' ? `/${e.name}` : `${path}/${e.name}`, out);
  return out;
}

async function run(g: ReturnType<typeof guest>, session: SessionState, line: string, json = false) {
  const r = await runLine(line, { guest: g, session, json });
  return r;
}

const SCRIPT = [
  "write /etc/motd 'bye\\n'",
  "write /etc/issue 'new\\n'",
  'chmod 0700 /usr/bin/tool',
  'chown 1000:1000 /etc/hostname',
  'mkdir -p /opt/app/conf',
  'delete -r /srv/site',
  'symlink /etc/hostname /etc/alt2',
  'move /etc/alt /etc/alt3',
];

describe('undo', () => {
  it('undo --all brings every path back: content, mode (setuid too), owner, links; removed trees come back', async () => {
    const g = guest();
    const pristine = await state(g.fs);
    const session: SessionState = { cwd: '/' };
    for (const line of SCRIPT) {
      const r = await run(g, session, line);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
    expect(await state(g.fs)).not.toEqual(pristine);
    const r = await run(g, session, 'undo --all', true);
    expect(r.code, r.stderr).toBe(0);
    expect(await state(g.fs)).toEqual(pristine);
    const { undone } = JSON.parse(r.stdout);
    expect(undone.map((u: { seq: number }) => u.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(undone.find((u: { seq: number }) => u.seq === 5).removed).toEqual(['/opt/app/conf', '/opt/app', '/opt']);
  });

  it('undo reverts only the last command; again reverts the one before; nothing left says so', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    await run(g, session, "write /etc/motd 'one\\n'");
    await run(g, session, "write /etc/motd 'two\\n'");
    expect((await run(g, session, 'undo')).code).toBe(0);
    expect((await g.fs.readFile('/etc/motd')).toString()).toBe('one\n');
    expect((await run(g, session, 'undo')).code).toBe(0);
    expect((await g.fs.readFile('/etc/motd')).toString()).toBe('hello\n');
    const r = await run(g, session, 'undo');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to undo');
  });

  it('--dry-run lists what would be reverted and changes nothing; the records stay undoable', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    await run(g, session, "write /etc/motd 'bye\\n'");
    const before = await state(g.fs);
    const r = await run(g, session, 'undo --dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('would undo 1.');
    expect(r.stdout).toContain('restored    /etc/motd');
    expect(await state(g.fs)).toEqual(before);
    expect((await run(g, session, 'undo')).code).toBe(0);
    expect((await g.fs.readFile('/etc/motd')).toString()).toBe('hello\n');
  });

  it('undone commands are marked in changes; N larger than the journal and N with --all are usage errors', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    await run(g, session, "write /etc/motd 'bye\\n'");
    expect((await run(g, session, 'undo 2')).stderr).toMatch(/only 1 change to undo/);
    expect((await run(g, session, 'undo 1 --all')).stderr).toMatch(/give N or --all/);
    expect((await run(g, session, 'undo 0')).code).not.toBe(0);
    await run(g, session, 'undo');
    const { records } = JSON.parse((await run(g, session, 'changes', true)).stdout);
    expect(records[0].undone).toBe(true);
  });

  it('a guest program the command ran without a journal declaration is reported as not undone (exit 1)', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    session.journal = undefined;
    const { Journal } = await import('../../../src/change-journal/journal.js');
    session.journal = new Journal();
    session.journal.add({ argv: ['run', 'touch', '/x'], commandLine: 'run touch /x', time: new Date(), ok: true, entries: [], untracked: ['touch'] });
    const r = await run(g, session, 'undo', true);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).undone[0].notUndone).toEqual([{ what: 'ran touch', reason: expect.stringMatching(/not recorded/) }]);
  });
  it('a record with tree snapshots gets its trees back whole (a side effect of the package undo too); outside them created paths go and the rest is named', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    const { Journal } = await import('../../../src/change-journal/journal.js');
    const { snapshotTrees } = await import('../../../src/change-journal/tree-snapshot.js');
    const { walkOutside, outsideChanges } = await import('../../../src/change-journal/outside-walk.js');
    await g.fs.mkdir('/etc/app');
    await g.fs.writeFile('/etc/app/mine.conf', 'user\n');
    const before = await snapshotTrees(g, ['/etc']);
    const outBefore = await walkOutside(g, ['/etc']);
    // The "command": adds a conffile, writes a file outside the trees and changes another there.
    await g.fs.writeFile('/etc/app/app.conf', 'pkg\n');
    await g.fs.mkdir('/var/www', { parents: true });
    await g.fs.writeFile('/var/www/index.html', 'hi\n');
    await g.fs.writeFile('/usr/bin/tool', 'changed\n');
    const outside = outsideChanges(outBefore, await walkOutside(g, ['/etc']));
    session.journal = new Journal();
    session.journal.add({ argv: ['install', 'app'], commandLine: 'install app', time: new Date(), ok: true, entries: [], trees: { roots: ['/etc'], before }, outside });
    // What a purge would do besides: the whole conf dir goes, the user's file with it.
    await g.fs.remove('/etc/app', { recursive: true });
    const r = await run(g, session, 'undo', true);
    expect(r.code).toBe(1);
    expect((await g.fs.readFile('/etc/app/mine.conf')).toString()).toBe('user\n');
    expect(await g.fs.exists('/etc/app/app.conf')).toBe(false);
    expect(await g.fs.exists('/var')).toBe(false);
    const u = JSON.parse(r.stdout).undone[0];
    expect(u.restored).toEqual(['/etc/app', '/etc/app/mine.conf']);
    expect(u.removed).toEqual(['/var/www/index.html', '/var/www', '/var']);
    expect(u.notUndone).toEqual([{ what: '/usr/bin/tool', reason: expect.stringMatching(/modified outside the journaled trees .*content was not kept/) }]);
  });
});
