// Helpers shared by the User Management commands (internal: not a command).

import type { Output } from '../../../src/shell/output.js';
import { diffOf, type FileChange } from '../../../src/guest/file-changes.js';
import type { CommandContext } from '../../../src/shell/command.js';
import { dryRunOption } from '../../../src/shell/dry-run.js';
import { parseId } from '../../../src/parsers/passwd.js';
import { hashesIn, redactPasswords } from '../../../src/parsers/shadow.js';
import { CliError } from '../../../src/util/errors.js';
import { findGuestProgram } from '../../../src/users/accounts.js';

export const ACCOUNTS_DRY_RUN = dryRunOption('print the changes as a diff (password hashes masked) and write nothing');

/** The diff of planned account edits, with every password hash replaced by <hash>. */
export function accountDiff(changes: FileChange[]): string {
  return diffOf(
    changes.map((c) =>
      c.path === '/etc/shadow' || c.path === '/etc/gshadow'
        ? { ...c, before: c.before === null ? null : redactPasswords(c.before), after: redactPasswords(c.after, hashesIn(c.before ?? '')) }
        : c,
    ),
  );
}

export interface DryRunResult {
  dryRun: true;
  diff: string;
  also: string[];
}

/** --dry-run: the diff and what else would happen; nothing is written. */
export function dryRunResult(changes: FileChange[], also: string[]): DryRunResult {
  return { dryRun: true, diff: accountDiff(changes), also };
}

export function isDryRun(r: object): r is DryRunResult {
  return 'dryRun' in r;
}

export function renderDryRun(r: DryRunResult, out: Output): void {
  out.write(r.diff === '' ? 'no file changes\n' : r.diff);
  for (const a of r.also) out.line(`would ${a}`);
}

export function notes(ctx: CommandContext, list: string[]): void {
  for (const n of list) ctx.out.note(n);
}

export function idOption(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = parseId(value);
  if (n === null) throw new CliError('usage', `${what} must be a number from 0 to 4294967294: ${value}`);
  return n;
}

/** At most one of the given flags. */
export function oneOf(flags: Record<string, boolean>): string | undefined {
  const set = Object.entries(flags).filter(([, v]) => v).map(([k]) => k);
  if (set.length > 1) throw new CliError('usage', `give only one of ${set.map((s) => `--${s}`).join(', ')}`);
  return set[0];
}

/** A note when a login shell is not an executable in the guest (useradd warns the same way). */
export async function shellNote(ctx: CommandContext, shell: string): Promise<string | null> {
  if (shell === '') return null;
  try {
    const st = await ctx.guest.fs.stat(shell);
    if (st.type === 'file' && (st.mode & 0o111) !== 0) return null;
  } catch {
    // missing
  }
  const base = shell.split('/').pop() ?? shell;
  const elsewhere = await findGuestProgram(ctx.guest, base);
  return `the shell ${shell} is not an executable in the guest${elsewhere ? ` (there is ${elsewhere})` : ''}`;
}
