import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type Args } from '../../src/shell/command.js';
import type { GuestStat } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { formatMode } from '../../src/parsers/mode.js';
import { guestNames } from '../../src/inspect/names.js';
import { CliError, describeError } from '../../src/util/errors.js';

interface LsEntry {
  name: string;
  type: string;
  size: number;
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  mtime: string;
  target?: string;
  /** Why the entry could not be stat'ed (the other fields are then unknown). */
  error?: string;
}

/** GNU ls's row for an entry it cannot stat: every field '?'. */
function unknownRow(name: string, error: string): LsEntry {
  return { name, type: 'unknown', size: -1, mode: '??????????', uid: -1, gid: -1, owner: '?', group: '?', mtime: '?', error };
}

const TYPE_CHAR: Record<string, string> = { file: '-', directory: 'd', symlink: 'l', block: 'b', char: 'c', fifo: 'p', socket: 's', unknown: '?' };

export const ls = defineCommand({
  name: 'ls',
  aliases: ['dir'],
  category: 'file-operations',
  summary: 'List a guest directory (owners are named from the guest\'s own passwd and group)',
  examples: ['ls /etc', 'ls -l /root', 'ls -la'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-path', description: 'directory or file (default: cwd)' }],
  options: {
    long: { type: 'boolean', short: 'l', description: 'long listing: mode, owner, group, size, date' },
    all: { type: 'boolean', short: 'a', description: 'include names starting with .' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const path = ctx.guestPath(args.optStr('PATH') ?? '.');
    const fs = ctx.guest.fs;
    const target = await fs.lstat(path);
    const showAll = args.flag('all');
    let stats: { name: string; st: GuestStat | null; error?: string }[];
    // Like GNU ls: a symlink to a directory is listed through, except with -l (which shows the
    // link itself unless the path ends with '/'); a dangling symlink is shown, not an error.
    const throughLink =
      target.type === 'symlink' &&
      (!args.flag('long') || (args.optStr('PATH') ?? '').endsWith('/')) &&
      (await fs.stat(path).then((s) => s.type === 'directory', () => false));
    if (target.type === 'directory' || throughLink) {
      const dir = await fs.realpath(path);
      const entries = (await fs.list(dir)).filter((e) => showAll || !e.name.startsWith('.'));
      // Like GNU ls, an entry that cannot be stat'ed is shown with '?' and named on stderr.
      stats = await Promise.all(
        entries.map(async (e) => {
          const full = `${dir === '/' ? '' : dir}/${e.name}`;
          try {
            return { name: e.name, st: await fs.lstat(full) };
          } catch (err) {
            // Only the entry's own failure becomes a '?' row: a lost agent or a cancel ends ls.
            if (!(err as { guestPathError?: boolean }).guestPathError && !(err instanceof CliError && err.code === 'failed')) throw err;
            const msg = describeError(err);
            const reason = msg.startsWith(`${full}: `) ? msg.slice(full.length + 2) : msg.endsWith(`: ${full}`) ? msg.slice(0, -full.length - 2) : msg;
            ctx.out.note(`cannot access ${full}: ${reason}`);
            ctx.setExitCode(1);
            return { name: e.name, st: null, error: reason };
          }
        }),
      );
    } else {
      stats = [{ name: args.optStr('PATH') ?? target.path, st: target }];
    }
    const names = await guestNames(fs);
    const rows: LsEntry[] = stats.map(({ name, st, error }) =>
      st === null ? unknownRow(name, error ?? 'cannot stat') : {
      name,
      type: st.type,
      size: st.size,
      mode: formatMode(TYPE_CHAR[st.type] ?? '?', st.mode),
      uid: st.uid,
      gid: st.gid,
      owner: names.user(st.uid),
      group: names.group(st.gid),
      mtime: st.mtime.toISOString(),
      ...(st.symlinkTarget !== undefined ? { target: st.symlinkTarget } : {}),
    });
    return rows;
  },
  render(rows: LsEntry[], out: Output, args: Args) {
    renderListing(rows, args.flag('long'), out);
  },
});

function renderListing(rows: LsEntry[], long: boolean, out: Output): void {
  if (!long) {
    for (const r of rows) out.line(r.type === 'directory' ? out.color.blue(escapeForTerminal(r.name)) : escapeForTerminal(r.name));
    return;
  }
  const w = (k: keyof LsEntry) => Math.max(0, ...rows.map((r) => String(r[k]).length));
  const [wo, wg, ws] = [w('owner'), w('group'), w('size')];
  for (const r of rows) {
    if (r.error !== undefined) {
      out.line(`${r.mode} ${'?'.padEnd(wo)} ${'?'.padEnd(wg)} ${'?'.padStart(ws)} ${'?'.padEnd(16)} ${r.name}`);
      continue;
    }
    const date = r.mtime.slice(0, 16).replace('T', ' ');
    const name = r.target !== undefined ? `${r.name} -> ${r.target}` : r.name;
    out.line(escapeForTerminal(`${r.mode} ${r.owner.padEnd(wo)} ${r.group.padEnd(wg)} ${String(r.size).padStart(ws)} ${date} ${name}`));
  }
}
