import { describe, expect, it } from 'vitest';
import { parseFindArgs, parseFindSize, sizeMatches } from '../../src/parsers/find-args.js';
import { find } from '../../commands/file-operations/find.js';

describe('parseFindArgs', () => {
  it('defaults to the cwd, any type, unlimited depth', () => {
    const p = parseFindArgs([]);
    expect(p.paths).toEqual(['.']);
    expect(p.types).toBeNull();
    expect(p.names).toEqual([]);
    expect(p.maxDepth).toBe(Infinity);
    expect(p.minDepth).toBe(0);
  });

  it('takes several paths, then tests', () => {
    const p = parseFindArgs(['/etc', '/usr', '-name', '*.conf', '-type', 'f,l', '-maxdepth', '2', '-mindepth', '1', '-size', '+1k']);
    expect(p.paths).toEqual(['/etc', '/usr']);
    expect(p.names).toHaveLength(1);
    expect(p.names[0]!('app.conf')).toBe(true);
    expect([...p.types!].sort()).toEqual(['file', 'symlink']);
    expect(p.maxDepth).toBe(2);
    expect(p.minDepth).toBe(1);
    expect(p.sizes).toEqual([{ cmp: '+', count: 1, unit: 1024 }]);
  });

  it('ANDs repeated tests', () => {
    const p = parseFindArgs(['-name', 'a*', '-name', '*z', '-type', 'f,d', '-type', 'd']);
    expect(p.names.map((n) => n('abz'))).toEqual([true, true]);
    expect(p.names.map((n) => n('ab'))).toEqual([true, false]);
    expect([...p.types!]).toEqual(['directory']);
  });

  it.each([
    [['-name'], /-name needs a value/],
    [['-foo', 'x'], /unknown test '-foo'/],
    [['-type', 'x'], /-type takes f, d, l/],
    [['-type', 'f,'], /-type takes/],
    [['-maxdepth', '-1'], /-maxdepth takes a whole number/],
    [['-maxdepth', 'two'], /-maxdepth takes a whole number/],
    [['-size', '10X'], /invalid -size '10X'/],
    [['-size', '+'], /invalid -size/],
    [['-name', '*', '/etc'], /paths must come before the tests: '\/etc'/],
    [['-name', '[[:nope:]]'], /invalid pattern '\[\[:nope:\]\]': unknown character class/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseFindArgs(argv)).toThrow(message);
    try {
      parseFindArgs(argv);
    } catch (err) {
      expect((err as { code: string }).code).toBe('usage');
      expect((err as Error).message).toMatch(/usage: find \[PATH\.\.\.\]/);
    }
  });

  it('parses every example of the find command', () => {
    for (const ex of find.examples) {
      const argv = ex.split(' ').slice(1).map((a) => a.replace(/^'(.*)'$/, '$1'));
      expect(() => parseFindArgs(argv)).not.toThrow();
    }
  });
});

describe('-size like GNU find', () => {
  it.each([
    ['100c', { cmp: '=', count: 100, unit: 1 }],
    ['+10M', { cmp: '+', count: 10, unit: 1024 ** 2 }],
    ['-4k', { cmp: '-', count: 4, unit: 1024 }],
    ['4K', { cmp: '=', count: 4, unit: 1024 }],
    ['2G', { cmp: '=', count: 2, unit: 1024 ** 3 }],
    ['8', { cmp: '=', count: 8, unit: 512 }],
    ['8b', { cmp: '=', count: 8, unit: 512 }],
    ['3w', { cmp: '=', count: 3, unit: 2 }],
  ])('%s', (text, expected) => {
    expect(parseFindSize(text)).toEqual(expected);
  });

  it.each([
    // size, test, matches (GNU rounds the size up to whole units)
    [0, '-1M', true],
    [1, '-1M', false], // the famous one: 1 byte rounds up to 1 MiB
    [1, '1M', true],
    [1024 ** 2, '1M', true],
    [1024 ** 2 + 1, '1M', false],
    [1024 ** 2 + 1, '2M', true],
    [1024 ** 2 + 1, '+1M', true],
    [1024 ** 2, '+1M', false],
    [1023, '-1024k', true],
    [1024, '1k', true],
    [1025, '+1k', true],
    [513, '2', true],
    [512, '1', true],
    [0, '0', true],
    [100, '100c', true],
    [100, '+99c', true],
    [100, '-100c', false],
  ])('%d bytes vs -size %s → %s', (size, text, expected) => {
    expect(sizeMatches(size, parseFindSize(text))).toBe(expected);
  });
});
