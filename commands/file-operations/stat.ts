import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { FileType } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { formatMode } from '../../src/parsers/mode.js';
import { guestNames } from '../../src/inspect/names.js';
import { FILE_TYPE_TEXT } from '../../src/util/file-type-text.js';

export interface StatResult {
  /** The path as given (absolute). */
  path: string;
  /** The same file with every directory symlink resolved inside the guest. */
  canonicalPath: string;
  type: FileType;
  size: number;
  /** Permission bits in octal, e.g. "0644" (with setuid/setgid/sticky as the 4th digit). */
  mode: string;
  /** ls-style, e.g. "-rw-r--r--". */
  permissions: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  inode: number;
  links: number;
  atime: string;
  mtime: string;
  ctime: string;
  target?: string;
}

export const stat = defineCommand({
  name: 'stat',
  category: 'file-operations',
  summary: 'Show a guest file\'s type, size, mode, owner, inode and times (a symlink itself, not its target)',
  description: 'Owner and group are named from the guest\'s own /etc/passwd and /etc/group. Times are shown in the host\'s time zone; --json gives ISO 8601 UTC.',
  examples: ['stat /etc/passwd', 'stat /etc/localtime'],
  positionals: [{ name: 'PATH', complete: 'guest-path' }],
  needs: ['fs'],
  async run(ctx, args) {
    const path = ctx.guestPath(args.str('PATH'));
    const st = await ctx.guest.fs.lstat(path);
    const names = await guestNames(ctx.guest.fs);
    const result: StatResult = {
      path,
      canonicalPath: st.path,
      type: st.type,
      size: st.size,
      mode: st.mode.toString(8).padStart(4, '0'),
      permissions: formatMode(st.type, st.mode),
      uid: st.uid,
      gid: st.gid,
      owner: names.user(st.uid),
      group: names.group(st.gid),
      inode: st.inode,
      links: st.nlink,
      atime: st.atime.toISOString(),
      mtime: st.mtime.toISOString(),
      ctime: st.ctime.toISOString(),
      ...(st.symlinkTarget !== undefined ? { target: st.symlinkTarget } : {}),
    };
    return result;
  },
  render(r: StatResult, out: Output) {
    out.line(escapeForTerminal(`  File: ${r.path}${r.target !== undefined ? ` -> ${r.target}` : ''}`));
    if (r.canonicalPath !== r.path) out.line(escapeForTerminal(`  Real: ${r.canonicalPath}`));
    out.line(`  Type: ${FILE_TYPE_TEXT[r.type]}`);
    out.line(`  Size: ${r.size}`);
    out.line(escapeForTerminal(`Access: (${r.mode}/${r.permissions})  Uid: (${String(r.uid).padStart(5)}/${r.owner.padStart(8)})   Gid: (${String(r.gid).padStart(5)}/${r.group.padStart(8)})`));
    out.line(` Inode: ${r.inode}  Links: ${r.links}`);
    out.line(`Access: ${localTime(r.atime)}`);
    out.line(`Modify: ${localTime(r.mtime)}`);
    out.line(`Change: ${localTime(r.ctime)}`);
  },
});

/** "2024-05-01 12:00:00.123 +0200", like stat(1) (milliseconds: all the precision Node gives). */
function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${zone}`;
}
