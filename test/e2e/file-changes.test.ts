// The one rollback of src/guest/file-changes.ts on a real directory guest: a file the change
// created is removed (not left empty), a modified one gets its content back, and a rollback
// step that fails for real (an immutable directory) is named with its cause.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyChanges, rollBack, type FileChange } from '../../src/guest/file-changes.js';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import type { Guest } from '../../src/guest/types.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir('guestctl-file-changes-');
const immutable: string[] = [];
afterAll(() => {
  for (const p of immutable) execFileSync('chattr', ['-i', p]);
  dir.cleanup();
});

function guestAt(name: string): { root: string; guest: Guest } {
  const root = join(dir.path, name);
  mkdirSync(join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n');
  mkdirSync(join(root, 'etc/blocked')); // a directory where a change writes a file: EISDIR
  return { root, guest: { fs: new LocalGuestFs(root, false) } as unknown as Guest };
}

const main = (after: string): FileChange => ({ path: '/etc/ssh/sshd_config', before: 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n', after });
const dropIn: FileChange = { path: '/etc/ssh/sshd_config.d/10-new.conf', before: null, after: 'PasswordAuthentication no\n', mode: 0o600 };

describe('rollback of applied changes', () => {
  it('a later write failing removes the file an earlier change created and restores the modified one', async () => {
    const { root, guest } = guestAt('created');
    const blocked: FileChange = { path: '/etc/blocked', before: 'x', after: 'y' };
    await expect(applyChanges(guest, [main('PermitRootLogin yes\n'), dropIn, blocked])).rejects.toThrow('is a directory: /etc/blocked; earlier files restored');
    expect(readdirSync(join(root, 'etc/ssh/sshd_config.d'))).toEqual([]);
    expect(readFileSync(join(root, 'etc/ssh/sshd_config'), 'utf8')).toBe('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n');
  });

  it('rollBack after a validator says no: created files go, and a removal that fails is named with its cause', async () => {
    const { root, guest } = guestAt('validator');
    const applied = await applyChanges(guest, [main('PermitRootLogin maybe\n'), dropIn]);
    expect(applied).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-new.conf']);
    const d = join(root, 'etc/ssh/sshd_config.d');
    execFileSync('chattr', ['+i', d]);
    immutable.push(d);
    expect(await rollBack(guest, [main('PermitRootLogin maybe\n'), dropIn])).toEqual([
      'could not remove the new file /etc/ssh/sshd_config.d/10-new.conf: operation not permitted: /etc/ssh/sshd_config.d/10-new.conf',
    ]);
    expect(readFileSync(join(root, 'etc/ssh/sshd_config'), 'utf8')).toBe('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n');
    execFileSync('chattr', ['-i', d]);
    immutable.pop();
    expect(await rollBack(guest, [dropIn])).toEqual([]);
    expect(existsSync(join(d, '10-new.conf'))).toBe(false);
  });
});
