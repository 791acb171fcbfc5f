import { parseSysctlLine } from '../parsers/sysctl.js';

// guestctl's own sysctl.d drop-in: set or remove one key. Pure: text in, text out. Comments,
// blank lines and the other keys stay byte for byte; a key written twice keeps one line (the
// last, where the kernel's value came from) and the earlier ones are dropped.

export const DROPIN_HEADER =
  '# Kernel settings written by guestctl (tune-set, tune-swappiness).\n' +
  '# The name sorts after the other files of /etc/sysctl.d, so these settings win the merge.\n';

function assignmentLines(lines: string[], key: string): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (parseSysctlLine(l, i + 1)?.key === key) out.push(i);
  });
  return out;
}

/** The drop-in with `key = value` (added at the end, or replacing the key's line). `text` null: a new file. */
export function setSysctlKey(text: string | null, key: string, value: string): string {
  const base = text ?? DROPIN_HEADER;
  const lines = base.split('\n');
  const at = assignmentLines(lines, key);
  const entry = `${key} = ${value}`;
  if (at.length === 0) {
    const body = base === '' || base.endsWith('\n') ? base : `${base}\n`;
    return `${body}${entry}\n`;
  }
  const last = at[at.length - 1]!;
  lines[last] = entry;
  const drop = new Set(at.slice(0, -1));
  return lines.filter((_, i) => !drop.has(i)).join('\n');
}

/** The drop-in without `key`; null when no assignment is left in it (the file can go). */
export function unsetSysctlKey(text: string, key: string): string | null {
  const lines = text.split('\n');
  const drop = new Set(assignmentLines(lines, key));
  const kept = lines.filter((_, i) => !drop.has(i));
  const anyLeft = kept.some((l, i) => parseSysctlLine(l, i + 1) !== null);
  return anyLeft ? kept.join('\n') : null;
}
