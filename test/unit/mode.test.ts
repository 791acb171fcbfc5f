import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMode, parseMode } from '../../src/parsers/mode.js';

// ------------------------------------------------------------------ GNU chmod as the oracle

const dir = mkdtempSync(join(tmpdir(), 'guestctl-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/**
 * What GNU chmod (umask 0) makes of each [initial, spec] case on a fresh file or directory;
 * null where chmod rejects the mode. One shell runs all the chmods of a batch.
 */
function gnuChmod(cases: [number, string][], isDir: boolean): (number | null)[] {
  const paths = cases.map(([initial]) => {
    const path = join(dir, `t${counter++}`);
    if (isDir) mkdirSync(path);
    else writeFileSync(path, '');
    chmodSync(path, initial);
    return path;
  });
  const script = 'umask 0; while [ $# -gt 0 ]; do chmod -- "$1" "$2" 2>/dev/null || printf "%s\\n" "$2"; shift 2; done';
  const args = cases.flatMap(([, spec], i) => [spec, paths[i] as string]);
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const failed = new Set(r.stdout.split('\n'));
  return paths.map((path) => (failed.has(path) ? null : statSync(path).mode & 0o7777));
}

function ours(initial: number, spec: string, isDir: boolean): number | null {
  try {
    return parseMode(spec, initial, isDir);
  } catch (err) {
    expect((err as Error).message).toBe(`invalid mode: '${spec}'`);
    return null;
  }
}

const SPECS = [
  // octal, including the directory set-id rules
  '755', '0755', '00755', '000755', '644', '4755', '2775', '1777', '7777', '007777', '0', '00', '6000',
  // operator + octal
  '=755', '+755', '-6000', '+7000', '-0644', '=0', '+0',
  // symbolic
  'u+x', 'go-w', 'a=r', 'u=rwx,g=rx,o=', '+x', '-x', '=x', 'u+s', 'g+s', 'o+s', '+s', '-s', '+t', 'o+t', 'u+t', 'a+t', '-t',
  'u=rwxs', 'g=s', 'u=', '=', 'a=rwx', '=rwx', 'ugo+rw', 'uu+x', 'au+r', 'u+r-w', 'u=rw+x-r', 'u+,g-', '+', '-',
  '=+x', 'u-+x', 'u=x-x', 'go-w,+t', 'g=u', 'o=u', 'u=g', 'g+u', 'a+u', 'u+g+o', 'u+x,g=u', 'u+s,g=u', 'o-rwx,g=o',
  'X', '+X', 'a+X', 'go+X', 'u-X', 'a-x,a+X', 'u+x,go+X', 'u+x+X', 'a+xX', 'a-X',
  // invalid
  '', 'x', '8', '+9', '17777', 'u', 'ug', 'u+gx', 'u=7', '+1a', 'u+rw,', ',u+r', ' 755', 'U+x', 'u+x ', 'u+z', '=755,', 'u+x,,g+x',
];
const INITIALS = [0o644, 0o755, 0o6755, 0o1777, 0o2750, 0o4000, 0o700, 0o0];

describe('parseMode agrees with GNU chmod', () => {
  for (const isDir of [false, true]) {
    it(`on ${isDir ? 'directories' : 'files'}`, () => {
      const cases = SPECS.flatMap((spec) => INITIALS.map((initial): [number, string] => [initial, spec]));
      const expected = gnuChmod(cases, isDir);
      const mismatches: string[] = [];
      cases.forEach(([initial, spec], i) => {
        const want = expected[i] ?? null;
        const got = ours(initial, spec, isDir);
        if (got !== want)
          mismatches.push(`${initial.toString(8)} '${spec}': chmod ${want?.toString(8) ?? 'ERR'}, ours ${got?.toString(8) ?? 'ERR'}`);
      });
      expect(expected.filter((e) => e === null).length).toBeGreaterThan(0);
      expect(expected.filter((e) => e !== null).length).toBeGreaterThan(cases.length / 2);
      expect(mismatches).toEqual([]);
    }, 30_000);
  }
});

describe('parseMode fixed rows', () => {
  it.each<[number, string, boolean, number]>([
    [0o644, '755', false, 0o755],
    [0o4755, '755', false, 0o755],
    [0o2775, '755', true, 0o2755], // a directory keeps setgid with a short octal mode
    [0o2775, '00755', true, 0o755],
    [0o2775, '=755', true, 0o755],
    [0o644, '4755', false, 0o4755],
    [0o644, 'u+x', false, 0o744],
    [0o777, 'go-w', false, 0o755],
    [0o751, 'a=r', false, 0o444],
    [0o777, 'u=rwx,g=rx,o=', false, 0o750],
    [0o644, '+x', false, 0o755],
    [0o755, 'u+s', false, 0o4755],
    [0o777, '+t', true, 0o1777],
    [0o644, '+X', false, 0o644],
    [0o744, 'a+X', false, 0o755],
    [0o600, 'a+X', true, 0o711],
    [0o6755, 'u=rwx', true, 0o6755], // '=' does not clear a directory's set-id bits
    [0o6755, 'u=rwx', false, 0o2755],
    [0o640, 'o=g', false, 0o644],
  ])('%o %s (dir %s) → %o', (initial, spec, isDir, expected) => {
    expect(parseMode(spec, initial, isDir)).toBe(expected);
  });

  it('ignores file-type bits of current', () => {
    expect(parseMode('u+x', 0o100644, false)).toBe(0o744);
  });

  it('throws invalid mode errors', () => {
    expect(() => parseMode('xyz', 0o644, false)).toThrow(new Error("invalid mode: 'xyz'"));
    expect(() => parseMode('99999', 0o644, false)).toThrow("invalid mode: '99999'");
  });
});

describe('formatMode', () => {
  it.each<[string, number, string]>([
    ['-', 0o755, '-rwxr-xr-x'],
    ['-', 0o644, '-rw-r--r--'],
    ['d', 0o1777, 'drwxrwxrwt'],
    ['d', 0o1776, 'drwxrwxrwT'],
    ['-', 0o4755, '-rwsr-xr-x'],
    ['-', 0o4644, '-rwSr--r--'],
    ['-', 0o2755, '-rwxr-sr-x'],
    ['d', 0o2745, 'drwxr-Sr-x'],
    ['l', 0o777, 'lrwxrwxrwx'],
    ['-', 0, '----------'],
    ['c', 0o620, 'crw--w----'],
    ['directory', 0o700, 'drwx------'],
    ['file', 0o7777, '-rwsrwsrwt'],
    ['symlink', 0o777, 'lrwxrwxrwx'],
    ['socket', 0o755, 'srwxr-xr-x'],
    ['fifo', 0o600, 'prw-------'],
    ['block', 0o660, 'brw-rw----'],
  ])('%s %o → %s', (type, mode, text) => expect(formatMode(type, mode)).toBe(text));
});
