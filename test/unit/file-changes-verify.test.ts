import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyChanges, type FileChange } from '../../src/guest/file-changes.js';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import type { Guest } from '../../src/guest/types.js';

// applyChanges with a verify step: the one rollback used by ssh-config (sshd -t) and timezone
// (the /etc/localtime link).

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function guestAt(name: string): { root: string; guest: Guest } {
  const root = join(tmp, name);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/timezone'), 'Etc/UTC\n');
  return { root, guest: { fs: new LocalGuestFs(root, false) } as unknown as Guest };
}

const changes: FileChange[] = [
  { path: '/etc/timezone', before: 'Etc/UTC\n', after: 'Europe/Berlin\n' },
  { path: '/etc/new.conf', before: null, after: 'x\n', mode: 0o644 },
];

describe('applyChanges with a verify step', () => {
  it('runs the step after every file is written and returns the paths', async () => {
    const { root, guest } = guestAt('ok');
    let seen = '';
    const paths = await applyChanges(guest, changes, { run: async () => void (seen = readFileSync(join(root, 'etc/timezone'), 'utf8')) });
    expect(paths).toEqual(['/etc/timezone', '/etc/new.conf']);
    expect(seen).toBe('Europe/Berlin\n');
  });

  it('a failing step restores the files and names the cause', async () => {
    const { root, guest } = guestAt('fails');
    await expect(applyChanges(guest, changes, { run: () => Promise.reject(new Error('sshd -t: bad option')) })).rejects.toThrow(
      'sshd -t: bad option; the previous content was restored',
    );
    expect(readFileSync(join(root, 'etc/timezone'), 'utf8')).toBe('Etc/UTC\n');
    expect(existsSync(join(root, 'etc/new.conf'))).toBe(false);
  });

  it('the caller words the error; with nothing written it says so', async () => {
    const { guest } = guestAt('worded');
    const failure = (err: unknown, restored: string) => `replacing /etc/localtime: ${(err as Error).message}; ${restored}`;
    await expect(applyChanges(guest, changes, { run: () => Promise.reject(new Error('EIO')), failure })).rejects.toMatchObject({
      code: 'failed',
      message: 'replacing /etc/localtime: EIO; the previous content was restored',
    });
    await expect(applyChanges(guest, [], { run: () => Promise.reject(new Error('EIO')), failure })).rejects.toThrow('replacing /etc/localtime: EIO; no file was changed');
  });
});
