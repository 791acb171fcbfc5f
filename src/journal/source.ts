import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ExecResult, Guest } from '../guest/types.js';
import { resolveGuestPath } from '../guest/resolve.js';
import { isFile, lstatOrNull } from '../guest/stat-or-null.js';
import { CliError } from '../util/errors.js';

// Where a guest's logs can be read. Live: the guest's journalctl through the agent. Offline:
// the persistent journal in /var/log/journal, read by the guest's own journalctl in the jail,
// or by the host's journalctl on the guest's files when the guest has none; else the classic
// syslog files; else nothing (an image that has never booted).

export const JOURNAL_DIR = '/var/log/journal';
export const SYSLOG_FILES = ['/var/log/syslog', '/var/log/messages'];
export const NEVER_BOOTED = 'the guest has never booted (no journal in /var/log/journal, no /var/log/syslog or /var/log/messages)';

export type LogSource =
  | { kind: 'journal'; via: 'agent' | 'guest' | 'host'; journalctl(args: string[], signal?: AbortSignal): Promise<ExecResult> }
  | { kind: 'syslog'; path: string }
  | { kind: 'none' };

const JOURNAL_FILE = /\.journal~?$/;
const pexec = promisify(execFile);

export async function findLogSource(guest: Guest): Promise<LogSource> {
  if (guest.kind === 'live') return { kind: 'journal', via: 'agent', journalctl: (args, signal) => guestJournalctl(guest, args, signal) };
  if (await hasJournalFiles(guest)) {
    if (await hasGuestJournalctl(guest)) return { kind: 'journal', via: 'guest', journalctl: (args, signal) => guestJournalctl(guest, ['--directory', JOURNAL_DIR, ...args], signal) };
    const dir = hostJournalDir(guest);
    return { kind: 'journal', via: 'host', journalctl: (args, signal) => hostJournalctl(dir, args, signal) };
  }
  for (const path of SYSLOG_FILES) {
    if ((await isFile(guest.fs, path)) && (await guest.fs.stat(path)).size > 0) return { kind: 'syslog', path };
  }
  return { kind: 'none' };
}

function guestJournalctl(guest: Guest, args: string[], signal?: AbortSignal): Promise<ExecResult> {
  return guest.exec(['journalctl', '--no-pager', ...args], { env: { LC_ALL: 'C' }, timeoutMs: 120_000, ...(signal ? { signal } : {}) });
}

async function hasGuestJournalctl(guest: Guest): Promise<boolean> {
  for (const p of ['/usr/bin/journalctl', '/bin/journalctl']) if (await guest.fs.exists(p)) return true;
  return false;
}

/**
 * Journal files in /var/log/journal or its machine-id directories. A symlink there (or a
 * journal file that is not a regular file) is refused: the host's journalctl would follow it.
 */
async function hasJournalFiles(guest: Guest): Promise<boolean> {
  const top = await lstatOrNull(guest.fs, JOURNAL_DIR);
  if (!top) return false;
  if (top.type !== 'directory') throw new CliError('refused', `${JOURNAL_DIR} is a ${top.type}, not a directory: refusing to read the journal through it`);
  let found = false;
  for (const e of await guest.fs.list(JOURNAL_DIR)) {
    const path = `${JOURNAL_DIR}/${e.name}`;
    if (e.type === 'symlink' && (JOURNAL_FILE.test(e.name) || /^[0-9a-f]{32}$/.test(e.name)))
      throw new CliError('refused', `${path} is a symlink: refusing to read the journal through it`);
    if (e.type === 'file' && JOURNAL_FILE.test(e.name)) found = true;
    if (e.type !== 'directory') continue;
    for (const f of await guest.fs.list(path)) {
      if (!JOURNAL_FILE.test(f.name)) continue;
      if (f.type !== 'file') throw new CliError('refused', `${path}/${f.name} is a ${f.type}, not a journal file: refusing to read the journal`);
      found = true;
    }
  }
  return found;
}

/** The guest's journal directory as a host path, resolved inside the guest root (never a host path). */
function hostJournalDir(guest: Guest): string {
  if (!guest.root) throw new CliError('unsupported', 'the guest has no journalctl, and its journal files are not on a host directory the host journalctl could read');
  const r = resolveGuestPath(guest.root, JOURNAL_DIR, { followLast: false });
  if (r.kind !== 'directory') throw new CliError('refused', `${JOURNAL_DIR} is not a directory in the guest: refusing to read the journal through it`);
  return r.hostPath;
}

async function hostJournalctl(dir: string, args: string[], signal?: AbortSignal): Promise<ExecResult> {
  try {
    const r = await pexec('journalctl', ['--no-pager', `--directory=${dir}`, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, maxBuffer: 256 << 20, timeout: 120_000, ...(signal ? { signal } : {}) });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new CliError('missing-tool', 'the guest has no journalctl, and neither has the host (Debian package systemd)');
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
  }
}
