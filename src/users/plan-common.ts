// Shared pieces of the account planners (pure: account files in, operations out).

import { posix } from 'node:path';
import type { FileChange } from '../guest/file-changes.js';
import { checkField, PASSWD_FILE } from '../parsers/colon-file.js';
import { findGroup, groupEntries, parseGroup, type GroupEntry } from '../parsers/group.js';
import { parsePasswd, passwdUsers, type PasswdUser } from '../parsers/passwd.js';
import { CliError } from '../util/errors.js';
import { ACCOUNT_PATHS, type AccountFiles } from './accounts.js';

export type AccountFile = keyof typeof ACCOUNT_PATHS;

/** Texts being edited, file by file; `changes()` lists the files that differ. */
export class Edits {
  private readonly after = new Map<AccountFile, string>();

  constructor(private readonly files: AccountFiles) {}

  /** Current text (after earlier edits), or null when the guest has no such file. */
  text(f: AccountFile): string | null {
    return this.after.get(f) ?? this.files[f];
  }

  /** Edit a file that exists; a missing optional file (shadow, gshadow, subuid…) is skipped. */
  edit(f: AccountFile, fn: (text: string) => string): void {
    const t = this.text(f);
    if (t === null) return;
    this.after.set(f, fn(t));
  }

  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const f of Object.keys(ACCOUNT_PATHS) as AccountFile[]) {
      const before = this.files[f];
      const after = this.after.get(f);
      if (before !== null && after !== undefined && after !== before) out.push({ path: ACCOUNT_PATHS[f], before, after });
    }
    return out;
  }
}

export function usersOf(files: AccountFiles): PasswdUser[] {
  return passwdUsers(parsePasswd(files.passwd));
}

export function groupsOf(files: AccountFiles): GroupEntry[] {
  return groupEntries(parseGroup(files.group));
}

export function requireUser(files: AccountFiles, name: string): PasswdUser {
  const u = usersOf(files).find((x) => x.name === name);
  if (!u) throw new CliError('not-found', `no user '${name}' in the guest's /etc/passwd`);
  return u;
}

/** A group by name (or gid, when all digits and not a name), or a not-found error. */
export function requireGroup(groups: GroupEntry[], nameOrGid: string): GroupEntry {
  const g = findGroup(groups, nameOrGid);
  if (!g) throw new CliError('not-found', `group '${nameOrGid}' does not exist in the guest's /etc/group`);
  return g;
}

/** A comma-separated --groups value: names (or gids) of existing groups, deduplicated. */
export function resolveGroupList(groups: GroupEntry[], items: string[]): string[] {
  const names: string[] = [];
  for (const item of items.flatMap((s) => s.split(','))) {
    const t = item.trim();
    if (t === '') continue;
    const name = requireGroup(groups, t).name;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

export function checkHome(home: string): string {
  checkField(PASSWD_FILE, home, 'the home directory');
  if (!home.startsWith('/')) throw new CliError('usage', `the home directory must be an absolute path: ${home}`);
  return home.length > 1 ? home.replace(/\/+$/, '') : home;
}

/** As useradd -s: empty (the system default, /bin/sh) or an absolute path. */
export function checkShell(shell: string): string {
  checkField(PASSWD_FILE, shell, 'the shell');
  if (shell !== '' && !shell.startsWith('/')) throw new CliError('usage', `the shell must be an absolute path: ${shell}`);
  return shell;
}

export function checkComment(comment: string): string {
  checkField(PASSWD_FILE, comment, 'the comment');
  return comment;
}

export function samePath(a: string, b: string): boolean {
  return posix.normalize(`${a}/`) === posix.normalize(`${b}/`);
}
