import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import * as S from '../../src/agent/scripts.js';
import { parseGuestStat } from '../../src/guest/agent-stat.js';

// The guest-side scripts of the agent backend must work on busybox-only guests (Alpine)
// as well as on dash + GNU coreutils (exercised against qemu-ga in the e2e suite): here
// they run under busybox sh with a PATH holding busybox applets only.

const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((p) => spawnSync(p, ['true']).status === 0);
if (!busybox) console.warn('busybox scripts test skipped: busybox is not installed (Debian package busybox-static)');
const dir = tempDir('guestctl-bbscripts-');
const t = (...p: string[]) => join(dir.path, 't', ...p);

function sh(script: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(join(dir.path, 'bin/sh'), ['-c', script, 'sh', ...args], { env: { PATH: join(dir.path, 'bin'), LC_ALL: 'C' } });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
}

beforeAll(() => {
  if (!busybox) return;
  mkdirSync(join(dir.path, 'bin'));
  const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const a of applets) symlinkSync(busybox, join(dir.path, 'bin', a));
  mkdirSync(t('sub'), { recursive: true });
  writeFileSync(t('a'), 'hi\n');
  symlinkSync('a', t('l'));
  writeFileSync(t('new\nline'), '');
});
afterAll(() => dir.cleanup());

describe.skipIf(!busybox)('agent scripts under busybox sh', () => {
  it('LIST falls back to the stat loop: names with newlines, link targets', () => {
    const r = sh(S.LIST, [t()]);
    expect(r.code).toBe(0);
    const f = r.out.split('\0');
    expect(f.slice(0, 2)).toEqual(['S', t()]);
    const names = [];
    for (let i = 2; i + 3 <= f.length; i += 3) names.push([f[i + 2], parseGuestStat('x', { format: 'stat', line: f[i]!, target: f[i + 1]! })?.type, f[i + 1]]);
    expect(names.sort()).toEqual([
      ['a', 'file', ''],
      ['l', 'symlink', 'a'],
      ['new\nline', 'file', ''],
      ['sub', 'directory', ''],
    ]);
    expect(sh(S.LIST, [t('a')]).err).toMatch(/Not a directory/);
  });

  it('STAT, READLINK, REALPATH, EXISTS', () => {
    const [line, canon] = sh(S.STAT, ['L', t('l'), '']).out.split('\n');
    expect(parseGuestStat(canon!, { format: 'stat', line: line!, target: '' })).toMatchObject({ path: t('a'), type: 'file', size: 3, inode: statSync(t('a')).ino });
    expect(sh(S.STAT, ['P', t('l'), t()]).out.split('\n').slice(1, 3)).toEqual([t(), 'a']);
    expect(sh(S.STAT, ['P', t('zz'), t()]).err).toMatch(/No such file or directory/);
    expect(sh(S.READLINK, [t('l')]).out).toBe('a\n');
    expect(sh(S.READLINK, [t('a')]).code).toBe(3);
    expect(sh(S.REALPATH, [t('sub/../l')]).out).toBe(`${t('a')}\n`);
    expect([sh(S.EXISTS, [t('l')]).code, sh(S.EXISTS, [t('zz')]).code]).toEqual([0, 1]);
  });

  it('PREPARE_WRITE + COMMIT_WRITE: temp file 0600, verified, owner/mode set, backup kept', () => {
    const prep = sh(S.PREPARE_WRITE, [t('l'), 'abc']);
    expect(prep.out).toBe(`0 0 644\n${t('.a.guestctl-abc')}\n${t('a')}`);
    expect(statSync(t('.a.guestctl-abc')).mode & 0o777).toBe(0o600);
    writeFileSync(t('.a.guestctl-abc'), 'NEW\n');
    const sum = createHash('sha256').update('NEW\n').digest('hex');
    expect(sh(S.COMMIT_WRITE, [t('.a.guestctl-abc'), t('a'), '5', sum, '0:0', '640', '', 'x']).code).toBe(3);
    const ok = sh(S.COMMIT_WRITE, [t('.a.guestctl-abc'), t('a'), '4', sum, '7:8', '640', t('a.bak'), 'x']);
    // busybox has no getfattr: the old file's xattrs are unknown, and the script says so.
    expect(ok).toEqual({ code: 0, out: `${S.XATTRS_UNKNOWN}\n`, err: '' });
    const st = statSync(t('a'));
    expect([readFileSync(t('a'), 'utf8'), st.mode & 0o7777, st.uid, st.gid, readFileSync(t('a.bak'), 'utf8')]).toEqual(['NEW\n', 0o640, 7, 8, 'hi\n']);
    expect(sh(S.PREPARE_WRITE, [t('nodir/x'), 'abc']).err).toMatch(/No such file or directory/);
    expect(sh(S.PREPARE_WRITE, [t('sub'), 'abc']).err).toMatch(/Is a directory/);
    expect(readdirSync(t()).filter((n) => n.includes('guestctl'))).toEqual([]);
  });

  it('COPY, RENAME, SYMLINK, REMOVE', () => {
    expect(sh(S.COPY, [t('a'), t('c'), 'r1']).code).toBe(0);
    expect(statSync(t('c')).mode & 0o777).toBe(0o640);
    expect(sh(S.RENAME, [t('c'), t('d')]).code).toBe(0);
    expect(readFileSync(t('d'), 'utf8')).toBe('NEW\n');
    expect(sh(S.SYMLINK, ['x', t('l')]).err).toMatch(/File exists/);
    expect(sh(S.SYMLINK, ['../a', t('sub/up')]).code).toBe(0);
    expect(readlinkSync(t('sub/up'))).toBe('../a');
    expect(sh(S.REMOVE, [t('sub'), '']).code).not.toBe(0);
    expect(sh(S.REMOVE, [t('l'), '']).code).toBe(0);
    expect(lstatSync(t('l'), { throwIfNoEntry: false })).toBeUndefined();
    expect(sh(S.REMOVE, [t('sub'), 'r']).code).toBe(0);
  });

  it('the exec wrapper: cwd, exit code, inline output, spill marker, private files', () => {
    const o = join(dir.path, 'o');
    const e = join(dir.path, 'e');
    expect(sh(S.GUEST_EXEC_WRAPPER, [t(), '', o, e, '100', 'MARK', 'sh', '-c', 'pwd; echo err >&2; exit 5'])).toEqual({ code: 5, out: `${t()}\n`, err: 'err\n' });
    expect(readdirSync(dir.path)).not.toContain('o');
    expect(sh(S.GUEST_EXEC_WRAPPER, ['', '', o, e, '3', 'MARK', 'echo', 'long output'])).toEqual({ code: 0, out: '', err: 'MARK\n' });
    expect([readFileSync(o, 'utf8'), statSync(o).mode & 0o777]).toEqual(['long output\n', 0o600]);
  });
});
