import { escapeForTerminal } from '../shell/escape.js';
import { octalMode } from '../util/format.js';
import type { DiffRow, SideFacts } from './compare.js';

// `guestctl diff` for humans: one line per difference, sorted by path, every guest-controlled
// word (paths, link targets, xattr names) escaped for the terminal.
//   + /etc/new.conf (file)
//   - /etc/motd (file)
//   ~ /etc/hosts: content, mode 0644 -> 0600

function change(row: DiffRow, field: string, a: SideFacts, b: SideFacts): string {
  switch (field) {
    case 'type':
      return `type ${a.type} -> ${b.type}`;
    case 'content':
      return a.size !== undefined && b.size !== undefined ? `content (size ${a.size} -> ${b.size})` : 'content';
    case 'mode':
      return `mode ${octalMode(a.mode!)} -> ${octalMode(b.mode!)}`;
    case 'owner':
      return `owner ${a.uid}:${a.gid} -> ${b.uid}:${b.gid}`;
    case 'xattrs':
      return `xattrs ${row.xattrNames!.join(' ')}`;
    case 'target':
      return `link target ${a.target} -> ${b.target}`;
    default:
      return `mtime ${a.mtime} -> ${b.mtime}`;
  }
}

export function diffLine(row: DiffRow): string {
  if (row.status === 'added') return `+ ${row.path} (${row.b!.type}${row.b!.target !== undefined ? ` -> ${row.b!.target}` : ''})`;
  if (row.status === 'removed') return `- ${row.path} (${row.a!.type})`;
  return `~ ${row.path}: ${row.changed!.map((f) => change(row, f, row.a!, row.b!)).join(', ')}`;
}

export function renderDiff(rows: DiffRow[]): string {
  return rows.map((r) => `${escapeForTerminal(diffLine(r))}\n`).join('');
}
