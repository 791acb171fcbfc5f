import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePaxRecords, readTarHeaders } from '../../src/parsers/tar-headers.js';

// Archives made by GNU tar (pax, sparse, hard links) and node-tar, read as GNU tar extracts them.

const dir = mkdtempSync(join(tmpdir(), 'guestctl-tar-headers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tree = join(dir, 'tree');
mkdirSync(join(tree, 'etc'), { recursive: true });
writeFileSync(join(tree, 'etc/a'), 'pair\n');
linkSync(join(tree, 'etc/a'), join(tree, 'etc/b'));
symlinkSync('/usr/share/zoneinfo/UTC', join(tree, 'etc/localtime'));
writeFileSync(join(tree, 'etc/sparse'), '');
truncateSync(join(tree, 'etc/sparse'), 8 << 20);
const long = `etc/${'d'.repeat(120)}`;
mkdirSync(join(tree, long));

describe('readTarHeaders', () => {
  it('GNU tar --format=posix --sparse: the sparse file under its real name and size, the hard link, the symlink, a long name', () => {
    const file = join(dir, 'gnu.tar');
    execFileSync('tar', ['--create', '--format=posix', '--sparse', '--sort=name', '-f', file, '-C', tree, 'etc']);
    const entries = readTarHeaders(readFileSync(file));
    const byName = new Map(entries.map((e) => [e.path, e]));
    expect([...byName.keys()].some((n) => n.includes('GNUSparseFile'))).toBe(false);
    expect(byName.get('etc/sparse')).toMatchObject({ type: 'file', size: 8 << 20 });
    expect(byName.get('etc/b') ?? byName.get('etc/a')).toMatchObject({ type: 'hardlink' });
    expect(byName.get('etc/localtime')).toMatchObject({ type: 'symlink', linkpath: '/usr/share/zoneinfo/UTC' });
    expect(byName.get(`${long}/`)).toMatchObject({ type: 'directory' });
  });

  it('GNU format long names (L) and node-tar pax archives', () => {
    const gnu = join(dir, 'gnu-format.tar');
    execFileSync('tar', ['--create', '--format=gnu', '-f', gnu, '-C', tree, long]);
    expect(readTarHeaders(readFileSync(gnu)).map((e) => e.path)).toEqual([`${long}/`]);
    const node = join(dir, 'node.tar');
    tar.create({ sync: true, file: node, cwd: tree, portable: true }, ['etc/localtime', long]);
    expect(readTarHeaders(readFileSync(node)).map((e) => [e.path, e.type])).toEqual([['etc/localtime', 'symlink'], [`${long}/`, 'directory']]);
  });

  it('refuses what is not a tar archive or is cut short', () => {
    expect(() => readTarHeaders(Buffer.alloc(1024, 0x41))).toThrow(/bad checksum/);
    const file = join(dir, 'cut.tar');
    execFileSync('tar', ['--create', '-f', file, '-C', tree, 'etc/a']);
    expect(() => readTarHeaders(readFileSync(file).subarray(0, 515))).toThrow(/runs past the end/);
  });

  it('pax records: xattrs and ACLs; a record whose length lies is refused', () => {
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 1;
      while (`${n}${body}`.length !== n) n++;
      return `${n}${body}`;
    };
    const m = parsePaxRecords(Buffer.from(rec('SCHILY.xattr.user.test', 'a=b') + rec('path', 'x/y')));
    expect([...m]).toEqual([['SCHILY.xattr.user.test', 'a=b'], ['path', 'x/y']]);
    expect(() => parsePaxRecords(Buffer.from('99 path=x\n'))).toThrow(/malformed pax record/);
  });
});
