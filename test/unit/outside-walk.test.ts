import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link } from '../helpers/fake-guest.js';
import { isUnder, outsideChanges, outsideVerdict, sameMeta, walkOutside, type PathMeta } from '../../src/change-journal/outside-walk.js';

const f = (over: Partial<PathMeta> = {}): PathMeta => ({ type: 'file', size: 10, mtimeMs: 1000.5, ctimeMs: 1000.5, inode: 42, mode: 0o644, uid: 0, gid: 0, ...over });
const d = (over: Partial<PathMeta> = {}): PathMeta => f({ type: 'directory', size: 4096, inode: 7, mode: 0o755, ...over });

describe('sameMeta', () => {
  it('compares a file by type, size, times, inode, mode and owner', () => {
    expect(sameMeta(f(), f())).toBe(true);
    for (const over of [{ size: 11 }, { mtimeMs: 1001 }, { ctimeMs: 1001 }, { inode: 43 }, { mode: 0o600 }, { uid: 1 }, { gid: 1 }]) expect(sameMeta(f(), f(over))).toBe(false);
    expect(sameMeta(f(), null)).toBe(false);
    expect(sameMeta(null, null)).toBe(true);
  });
  it('compares a symlink by its target too', () => {
    expect(sameMeta(f({ type: 'symlink', linkTarget: 'a' }), f({ type: 'symlink', linkTarget: 'b' }))).toBe(false);
  });
  it('ignores a directory size and times (they change with its entries), not its mode, owner or inode', () => {
    expect(sameMeta(d(), d({ size: 8192, mtimeMs: 5, ctimeMs: 6 }))).toBe(true);
    expect(sameMeta(d(), d({ mode: 0o700 }))).toBe(false);
    expect(sameMeta(d(), d({ inode: 8 }))).toBe(false);
  });
});

describe('outsideChanges', () => {
  it('lists created, modified and removed paths, sorted, and nothing for a directory that only got new entries', () => {
    const before = new Map([['/usr', d()], ['/usr/bin/x', f()], ['/srv/gone', f()]]);
    const after = new Map([['/usr', d({ mtimeMs: 9 })], ['/usr/bin/x', f({ size: 12 })], ['/var/www', d({ inode: 9 })]]);
    expect(outsideChanges(before, after)).toEqual([
      { path: '/srv/gone', before: f(), after: null },
      { path: '/usr/bin/x', before: f(), after: f({ size: 12 }) },
      { path: '/var/www', before: null, after: d({ inode: 9 }) },
    ]);
  });
});

describe('outsideVerdict', () => {
  it('a created path: nothing to do when gone, removed when unchanged since, named when changed since', () => {
    const c = { path: '/var/www/html/index.html', before: null, after: f() };
    expect(outsideVerdict(c, null)).toEqual({ action: 'undone' });
    expect(outsideVerdict(c, f())).toEqual({ action: 'remove' });
    expect(outsideVerdict(c, f({ size: 3 }))).toMatchObject({ action: 'not-undone', reason: expect.stringContaining('changed since') });
  });
  it('a modified path: undone only when it is as before again, else named with what differs', () => {
    const c = { path: '/usr/lib/x.so', before: f(), after: f({ size: 20, ctimeMs: 2000 }) };
    expect(outsideVerdict(c, f())).toEqual({ action: 'undone' });
    expect(outsideVerdict(c, f({ mtimeMs: 3000 }))).toEqual({ action: 'not-undone', reason: expect.stringMatching(/modified outside the journaled trees \(mtime differs\); its content was not kept/) });
    expect(outsideVerdict(c, f({ size: 11, mode: 0o600 }))).toMatchObject({ reason: expect.stringContaining('(size, mode differ)') });
    expect(outsideVerdict(c, null)).toMatchObject({ action: 'not-undone', reason: expect.stringContaining('gone now') });
  });
  it('a removed path that is still gone is named: its content was not kept', () => {
    const c = { path: '/srv/data.txt', before: f(), after: null };
    expect(outsideVerdict(c, null)).toMatchObject({ action: 'not-undone', reason: expect.stringContaining('not re-created') });
  });
  it('a removed path the package manager put back (a reinstall: new inode and ctime, same size, mtime, mode, owner) counts as undone', () => {
    const c = { path: '/usr/bin/hello', before: f(), after: null };
    expect(outsideVerdict(c, f({ inode: 99, ctimeMs: 5000 }))).toEqual({ action: 'undone' });
    expect(outsideVerdict({ path: '/usr/share/doc/hello', before: d(), after: null }, d({ inode: 98, mtimeMs: 7 }))).toEqual({ action: 'undone' });
    expect(outsideVerdict(c, f({ inode: 99, ctimeMs: 5000, mtimeMs: 4000 }))).toMatchObject({ action: 'not-undone' });
  });
});

describe('walkOutside', () => {
  it('walks the whole guest except the trees and the pseudo/volatile directories, with link targets', async () => {
    const g = fakeGuest({
      files: {
        '/etc': dir(),
        '/etc/motd': file('x'),
        '/proc': dir(),
        '/proc/1': dir(),
        '/tmp': dir(),
        '/tmp/t': file('t'),
        '/var': dir(),
        '/var/lib': dir(),
        '/var/lib/dpkg': dir(),
        '/var/lib/dpkg/status': file('s'),
        '/var/www': dir(),
        '/var/www/index.html': file('hi'),
        '/usr': dir(),
        '/usr/lib': link('/lib'),
      },
    });
    const w = await walkOutside(g, ['/etc', '/var/lib/dpkg']);
    expect([...w.keys()].sort()).toEqual(['/', '/usr', '/usr/lib', '/var', '/var/lib', '/var/www', '/var/www/index.html']);
    expect(w.get('/usr/lib')).toMatchObject({ type: 'symlink', linkTarget: '/lib' });
    expect(w.get('/var/www/index.html')).toMatchObject({ type: 'file', size: 2 });
  });
  it('isUnder matches a root and its descendants only', () => {
    expect(isUnder('/etc', ['/etc'])).toBe(true);
    expect(isUnder('/etc/x', ['/etc'])).toBe(true);
    expect(isUnder('/etcetera', ['/etc'])).toBe(false);
    expect(isUnder('/var/log/dpkg.log', ['/var/log/dpkg.log'])).toBe(true);
  });
});
