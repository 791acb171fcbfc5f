import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatSize, matchesSizeFilter, parseSize, parseSizeFilter } from '../../src/parsers/size.js';

const K = 1024;
const M = K * K;
const G = M * K;

describe('parseSize', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['512', 512],
    ['512B', 512],
    ['512b', 512],
    ['1K', K],
    ['1k', K],
    ['10M', 10 * M],
    ['10m', 10 * M],
    ['1.5G', 1.5 * G],
    ['.5K', 512],
    ['2T', 2 * K ** 4],
    ['1P', K ** 5],
    ['4KiB', 4 * K],
    ['20MiB', 20 * M],
    ['1GiB', G],
    ['100KB', 100_000],
    ['1MB', 1_000_000],
    ['2GB', 2_000_000_000],
    [' 10 M ', 10 * M],
    ['0.1K', 102],
  ])('%j → %i', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'M', '10X', '-1', '+1', '1.5', '1..5M', '10MM', '1e3', '10 MiBs', '8E', '0x10', 'ten'])('%j is invalid', (text) => {
    expect(() => parseSize(text)).toThrow(new Error(`invalid size: '${text}'`));
  });
});

describe('parseSizeFilter', () => {
  it.each<[string, '>' | '<' | '=', number]>([
    ['+1M', '>', M],
    ['-10k', '<', 10 * K],
    ['4096', '=', 4096],
    ['+0', '>', 0],
    ['-1.5G', '<', 1.5 * G],
  ])('%j → %s %i', (text, op, bytes) => expect(parseSizeFilter(text)).toEqual({ op, bytes }));

  it('reports the whole text on error', () => {
    expect(() => parseSizeFilter('+x')).toThrow(new Error("invalid size: '+x'"));
    expect(() => parseSizeFilter('--1M')).toThrow(new Error("invalid size: '--1M'"));
  });

  it('matches sizes', () => {
    expect(matchesSizeFilter(parseSizeFilter('+1M'), M + 1)).toBe(true);
    expect(matchesSizeFilter(parseSizeFilter('+1M'), M)).toBe(false);
    expect(matchesSizeFilter(parseSizeFilter('-1M'), M - 1)).toBe(true);
    expect(matchesSizeFilter(parseSizeFilter('1M'), M)).toBe(true);
  });
});

describe('formatSize', () => {
  it.each<[number, string]>([
    [0, '0'],
    [1, '1'],
    [512, '512'],
    [1023, '1023'],
    [1024, '1.0K'],
    [1025, '1.1K'],
    [1536, '1.5K'],
    [10239, '10K'],
    [10240, '10K'],
    [10241, '11K'],
    [M - 1, '1.0M'],
    [1.5 * M, '1.5M'],
    [3 * G, '3.0G'],
    [K ** 4, '1.0T'],
    [-2048, '-2.0K'],
  ])('%i → %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));

  it('agrees with GNU numfmt --to=iec (what ls -lh and du -h print)', () => {
    const samples: number[] = [];
    for (let e = 0; e <= 52; e++) {
      const p = 2 ** e;
      samples.push(p - 1, p, p + 1, Math.floor(p * 1.05), Math.floor(p * 9.96), Math.floor(p * 10.01));
    }
    let seed = 12345;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      samples.push(Math.floor((seed / 2 ** 31) * 2 ** ((i % 50) + 1)));
    }
    const uniq = [...new Set(samples.filter((n) => n >= 0 && Number.isSafeInteger(n)))];
    const expected = execFileSync('numfmt', ['--to=iec', ...uniq.map(String)], { encoding: 'utf8' }).trim().split('\n');
    const mismatches = uniq.map((n, i) => [n, formatSize(n), expected[i]]).filter(([, a, b]) => a !== b);
    expect(mismatches).toEqual([]);
  });

  it('round-trips with parseSize for whole units', () => {
    for (const s of ['1.0K', '512', '10M', '3.0G', '100K']) expect(formatSize(parseSize(s))).toBe(s);
  });
});
