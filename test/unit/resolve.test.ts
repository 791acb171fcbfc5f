import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGuestPath } from '../../src/guest/resolve.js';

// A small guest tree with the links a hostile image would carry.
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'resolve-'));
  mkdirSync(join(root, 'etc/conf.d'), { recursive: true });
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  mkdirSync(join(root, 'tmp'));
  writeFileSync(join(root, 'etc/shadow'), 'guest shadow');
  symlinkSync('/../../../../etc/shadow', join(root, 'etc/hostname'));
  symlinkSync('../../../../../../../../tmp/x', join(root, 'etc/motd'));
  symlinkSync('/tmp', join(root, 'etc/tmplink'));
  symlinkSync('../../../../../..', join(root, 'escape'));
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('/loop2', join(root, 'loop1'));
  symlinkSync('/loop1', join(root, 'loop2'));
  symlinkSync('conf.d/../shadow', join(root, 'etc/rel'));
  writeFileSync(join(root, 'etc/file'), 'x');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const r = (p: string, opts: { cwd?: string; followLast?: boolean } = {}) => resolveGuestPath(root, p, opts);

describe('resolveGuestPath (chroot semantics)', () => {
  it('resolves plain paths below the root', () => {
    expect(r('/etc/shadow')).toMatchObject({ guestPath: '/etc/shadow', hostPath: `${root}/etc/shadow`, kind: 'other' });
    expect(r('/')).toMatchObject({ guestPath: '/', hostPath: root, kind: 'directory' });
  });

  it('stops .. at the guest root', () => {
    expect(r('/../../../etc/shadow').guestPath).toBe('/etc/shadow');
    expect(r('../../..', { cwd: '/etc' }).guestPath).toBe('/');
  });

  it('restarts absolute symlink targets at the guest root', () => {
    expect(r('/etc/hostname')).toMatchObject({ guestPath: '/etc/shadow', kind: 'other' });
    expect(r('/etc/tmplink/new').hostPath).toBe(`${root}/tmp/new`);
  });

  it('keeps relative symlinks with many .. inside the guest', () => {
    const m = r('/etc/motd');
    expect(m.guestPath).toBe('/tmp/x');
    expect(m.hostPath.startsWith(root)).toBe(true);
    expect(r('/escape/etc/shadow').guestPath).toBe('/etc/shadow');
  });

  it('follows relative links from their own directory, and .. after a link is physical', () => {
    expect(r('/lib').guestPath).toBe('/usr/lib');
    expect(r('/lib/..').guestPath).toBe('/usr');
    expect(r('/etc/rel').guestPath).toBe('/etc/shadow');
  });

  it('does not follow the last link with followLast: false', () => {
    expect(r('/etc/hostname', { followLast: false })).toMatchObject({ guestPath: '/etc/hostname', kind: 'symlink' });
  });

  it('reports a missing last component (creatable) and fails on missing or non-dir parents', () => {
    expect(r('/etc/newfile')).toMatchObject({ guestPath: '/etc/newfile', kind: null });
    expect(() => r('/nope/x')).toThrow(/no such file/);
    expect(() => r('/etc/file/x')).toThrow(/not a directory/);
  });

  it('detects symlink loops', () => {
    expect(() => r('/loop1')).toThrow(/symbolic links/);
  });

  it('resolves relative paths against the cwd', () => {
    expect(r('shadow', { cwd: '/etc' }).guestPath).toBe('/etc/shadow');
  });

  it('never yields a host path outside the root', () => {
    for (const p of ['/etc/hostname', '/etc/motd', '/escape', '/escape/escape/..', '/../..', 'etc/tmplink/../../..'])
      expect(r(p).hostPath.startsWith(root)).toBe(true);
  });
});
