import { octalMode } from '../util/format.js';
import type { FileType } from '../guest/types.js';
import type { Finding } from './finding.js';

// audit-perms' rules for one file, from its lstat data alone (pure: the walk feeds it).

export interface AuditedEntry {
  path: string;
  type: FileType;
  /** mode & 0o7777 */
  mode: number;
  uid: number;
  gid: number;
}

/** The uids and gids the guest's /etc/passwd and /etc/group define. */
export interface KnownIds {
  uids: ReadonlySet<number>;
  gids: ReadonlySet<number>;
}

const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_OR_OTHER_ANY = 0o077;
const OTHER_READ = 0o004;
const OTHER_WRITE = 0o002;
const STICKY = 0o1000;

interface SensitiveRule {
  kind: string;
  matches(path: string, type: FileType): boolean;
  /** The mode bits that must not be set. */
  forbidden: number;
  what: string;
}

const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
/** A home directory: /root or a direct child of /home. */
const isHome = (p: string) => p === '/root' || parentOf(p) === '/home';

const SENSITIVE: SensitiveRule[] = [
  {
    kind: 'unsafe-shadow',
    matches: (p, t) => t === 'file' && (p === '/etc/shadow' || p === '/etc/gshadow'),
    forbidden: GROUP_OR_OTHER_WRITE | OTHER_READ,
    what: 'password hashes readable by everyone or writable by more than root',
  },
  {
    kind: 'unsafe-sudoers',
    matches: (p, t) => (t === 'file' && (p === '/etc/sudoers' || parentOf(p) === '/etc/sudoers.d')) || (t === 'directory' && p === '/etc/sudoers.d'),
    forbidden: GROUP_OR_OTHER_WRITE,
    what: 'sudo rules writable by more than root',
  },
  {
    kind: 'unsafe-host-key',
    matches: (p, t) => t === 'file' && parentOf(p) === '/etc/ssh' && /^ssh_host_.*_key$/.test(baseOf(p)),
    forbidden: GROUP_OR_OTHER_ANY & ~0o040, // group read is allowed (some distributions use an ssh_keys group)
    what: 'SSH host private key readable or writable by others',
  },
  {
    kind: 'unsafe-ssh-dir',
    matches: (p, t) => (t === 'directory' && baseOf(p) === '.ssh' && isHome(parentOf(p))) || (t === 'file' && baseOf(p).startsWith('authorized_keys') && baseOf(parentOf(p)) === '.ssh'),
    forbidden: GROUP_OR_OTHER_WRITE,
    what: 'who may log in is writable by others (sshd StrictModes refuses it)',
  },
  {
    kind: 'unsafe-home',
    matches: (p, t) => t === 'directory' && isHome(p),
    forbidden: OTHER_WRITE,
    what: 'home directory writable by others',
  },
];

export function permFindings(e: AuditedEntry, ids: KnownIds): Finding[] {
  const out: Finding[] = [];
  const mode = octalMode(e.mode);
  if (e.type !== 'symlink' && e.mode & OTHER_WRITE) {
    if (e.type === 'directory' && !(e.mode & STICKY)) out.push({ severity: 'high', kind: 'world-writable', path: e.path, detail: `directory mode ${mode} without the sticky bit: anyone can replace files in it` });
    else if (e.type === 'file') out.push({ severity: 'high', kind: 'world-writable', path: e.path, detail: `file mode ${mode}: anyone can change it` });
  }
  if (!ids.uids.has(e.uid)) out.push({ severity: 'medium', kind: 'orphan-uid', path: e.path, detail: `owner uid ${e.uid} is not in /etc/passwd` });
  if (!ids.gids.has(e.gid)) out.push({ severity: 'medium', kind: 'orphan-gid', path: e.path, detail: `group gid ${e.gid} is not in /etc/group` });
  for (const r of SENSITIVE) {
    if (r.matches(e.path, e.type) && e.mode & r.forbidden) out.push({ severity: 'high', kind: r.kind, path: e.path, detail: `mode ${mode}: ${r.what}` });
  }
  return out;
}
