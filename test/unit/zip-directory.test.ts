import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readZipDirectory, zipMemberData } from '../../src/parsers/zip-directory.js';

// The central-directory reader on zips made by the host's Info-ZIP zip and by Python's zipfile
// (ZIP64 forced, a name with a newline), and on truncated or lying archives.

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-zipdir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function python(script: string): Buffer {
  const out = join(tmp, `py-${Math.random().toString(36).slice(2)}.zip`);
  execFileSync('python3', ['-c', script, out]);
  return readFileSync(out);
}

describe('readZipDirectory', () => {
  it('reads an Info-ZIP archive with a directory, a file and a stored symlink (zip -y)', () => {
    const src = join(tmp, 'src');
    mkdirSync(join(src, 'd'), { recursive: true });
    writeFileSync(join(src, 'd', 'f.txt'), 'hello zip\n'.repeat(50), { mode: 0o640 });
    symlinkSync('f.txt', join(src, 'd', 'l'));
    execFileSync('zip', ['-q', '-r', '-y', join(tmp, 'info.zip'), 'd'], { cwd: src });
    const zip = readFileSync(join(tmp, 'info.zip'));
    const entries = readZipDirectory(zip);
    expect(entries.map((e) => [e.path, e.type, e.mode])).toEqual([
      ['d/', 'directory', 0o755],
      ['d/f.txt', 'file', 0o640],
      ['d/l', 'symlink', 0o777],
    ]);
    const f = entries[1]!;
    expect(f.method).toBe(8);
    expect(inflateRawSync(zipMemberData(zip, f)).toString()).toBe('hello zip\n'.repeat(50));
    expect(zipMemberData(zip, entries[2]!).toString()).toBe('f.txt');
  });

  it('reads the ZIP64 extra field and end records of zip -fz', () => {
    writeFileSync(join(tmp, 'z64in'), 'forced zip64\n');
    execFileSync('zip', ['-q', '-fz', join(tmp, 'z64.zip'), 'z64in'], { cwd: tmp });
    const zip = readFileSync(join(tmp, 'z64.zip'));
    expect(zip.includes(Buffer.from([0x50, 0x4b, 6, 6]))).toBe(true);
    const [e] = readZipDirectory(zip);
    expect([e!.path, e!.size, e!.type]).toEqual(['z64in', 13, 'file']);
  });

  it('reads a Python zipfile archive and keeps a newline in a name', () => {
    const zip = python(`import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    with z.open('big', 'w', force_zip64=True) as f: f.write(b'x' * 1000)
    z.writestr('a\\nb', b'nl')`);
    const entries = readZipDirectory(zip);
    expect(entries.map((e) => [e.path, e.size, e.type, e.mode])).toEqual([['big', 1000, 'file', 0o600], ['a\nb', 2, 'file', 0o600]]);
  });

  it('refuses what is not a zip or points outside it', () => {
    expect(() => readZipDirectory(Buffer.from('not a zip at all, not even close to one'))).toThrow(/no end of central directory/);
    const zip = python(`import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('a', b'abc')`);
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]));
    const bad = Buffer.from(zip);
    bad.writeUInt32LE(0x7fffffff, eocd + 16);
    expect(() => readZipDirectory(bad)).toThrow(/central directory lies outside/);
    const lying = Buffer.from(zip);
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    lying.writeUInt32LE(0x7fffffff, cd + 20); // compressed size
    expect(() => zipMemberData(lying, readZipDirectory(lying)[0]!)).toThrow(/data of a lies outside/);
  });
});
