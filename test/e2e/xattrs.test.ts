// A replaced file keeps its extended attributes (SELinux label, ACLs, capabilities), so a
// failed read of them must fail the write rather than drop them; a filesystem without xattr
// support ("Operation not supported", e.g. a FUSE driver) truly has none.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { rhelLike } from '../helpers/rhel-like.js';
import { readXattrs } from '../../src/guest/xattrs.js';

const dir = tempDir('guestctl-xattrs-');
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted.reverse()) execFileSync('umount', [m]);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

function mountAt(path: string, args: string[]): void {
  mkdirSync(path, { recursive: true });
  execFileSync(args[0]!, [...args.slice(1), path]);
  mounted.push(path);
}

describe('write keeps the xattrs of the file it replaces, or fails', () => {
  const root = rhelLike(dir.path, { name: 'xattr-guest', selinux: null });

  it('getfattr failing for real (listxattr E2BIG: more than 64 KiB of attribute names) fails the write, file untouched', async () => {
    const data = join(root, 'srv/data');
    mountAt(data, ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'xattr-test']);
    const f = join(data, 'f');
    writeFileSync(f, 'old\n');
    execFileSync('setfattr', ['-n', 'trusted.label', '-v', 'keep-me', f]);
    for (let i = 0; i < 300; i++) execFileSync('setfattr', ['-n', `user.${String(i).padStart(240, '0')}`, '-v', '1', f]);
    const r = await shell(root, ["write /srv/data/f 'new\\n'"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'error: cannot read the extended attributes of /srv/data/f to keep them (SELinux label, ACLs, capabilities): getfattr: Argument list too long',
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(f, 'utf8')).toBe('old\n');
    expect(execFileSync('getfattr', ['--only-values', '-n', 'trusted.label', f], { encoding: 'utf8' })).toBe('keep-me');
    expect(readdirSync(data)).toEqual(['f']); // no temp file left behind
  });

  // The write itself cannot be shown there: fusefat also refuses chown/chmod (ENOSYS), which
  // the replace needs; so this checks the xattr read on a real fusefat file.
  it('a filesystem without xattr support (fusefat: "Operation not supported") has none to keep: not an error', async () => {
    const img = join(dir.path, 'fat.img');
    execFileSync('truncate', ['-s', '2M', img]);
    execFileSync('mkfs.vfat', [img]);
    const fat = join(dir.path, 'fat');
    mountAt(fat, ['fusefat', '-o', 'rw+', img]);
    writeFileSync(join(fat, 'f'), 'old\n');
    expect(() => execFileSync('getfattr', ['-d', '-m', '-', join(fat, 'f')], { stdio: 'pipe' })).toThrow(/Operation not supported/);
    expect(await readXattrs(join(fat, 'f'), '/f')).toBeNull();
    await expect(readXattrs(join(dir.path, 'missing'), '/missing')).rejects.toThrow(
      'cannot read the extended attributes of /missing to keep them (SELinux label, ACLs, capabilities): getfattr: No such file or directory',
    );
  });
});
