import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// logs, failed and boot-time on disk images that have no usable journal. The proof on a real
// journal (a booted and cleanly shut down copy of the fixture) is in test/live/offline-journal.ts.

const dir = tempDir('guestctl-offline-journal-');
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const hostShadow = sha256('/etc/shadow');

afterAll(() => {
  expect(sha256('/etc/shadow')).toBe(hostShadow);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const NEVER = 'error: the guest has never booted (no journal in /var/log/journal, no /var/log/syslog or /var/log/messages)';

describe('offline journal commands', () => {
  it('the Debian fixture has never booted: logs, failed and boot-time say so', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['logs ssh -n 5', 'failed', 'boot-time'], ['--ro', '--keep-going']);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:') && !l.startsWith('error: stopped'))).toEqual([NEVER, NEVER, NEVER]);
    expect(r.code).toBe(1);
  });

  // The hostile image, made to look like a systemd guest (no /sbin/init -> busybox), with the
  // journal and syslog replaced by links to host paths: refused, or read inside the guest.
  it.each([
    ['the journal directory', ['symlink /etc /var/log/journal'], 'error: /var/log/journal is a symlink, not a directory: refusing to read the journal through it'],
    ['the machine-id directory', ['mkdir /var/log/journal', 'symlink /etc /var/log/journal/0123456789abcdef0123456789abcdef'],
      'error: /var/log/journal/0123456789abcdef0123456789abcdef is a symlink: refusing to read the journal through it'],
    ['a journal file', ['mkdir -p /var/log/journal/0123456789abcdef0123456789abcdef', 'symlink /etc/shadow /var/log/journal/0123456789abcdef0123456789abcdef/system.journal'],
      'error: /var/log/journal/0123456789abcdef0123456789abcdef/system.journal is a symlink, not a journal file: refusing to read the journal'],
  ])('hostile image: a link as %s is refused before any journalctl runs', async (_, setup, message) => {
    const img = await workCopy('hostile', dir.path);
    const prep = await shell(img, ['delete /sbin/init', ...setup]);
    expect(prep.code, prep.stderr).toBe(0);
    const r = await shell(img, ['logs', 'failed', 'boot-time'], ['--ro', '--keep-going']);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:') && !l.startsWith('error: stopped'))).toEqual([message, message, message]);
  });

  it('hostile image: /var/log/syslog -> /etc/shadow is read inside the guest (its own shadow), never the host file', async () => {
    const img = await workCopy('hostile', dir.path);
    const prep = await shell(img, ['delete /sbin/init', 'symlink /etc/shadow /var/log/syslog']);
    expect(prep.code, prep.stderr).toBe(0);
    const r = await shell(img, ['logs'], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('GUEST-SHADOW');
    const hostRoot = readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith('root:'))!;
    expect(r.stdout).not.toContain(hostRoot);
    const f = await shell(img, ['failed'], ['--ro']);
    expect(f.stderr.split('\n')[0]).toBe('error: failed needs the systemd journal, and the guest only keeps /var/log/syslog');
  });
});
