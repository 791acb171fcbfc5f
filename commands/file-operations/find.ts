import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { DirEntry, FileType, GuestFs } from '../../src/guest/types.js';
import { CliError, describeError, errnoText } from '../../src/util/errors.js';
import { parseFindArgs, sizeMatches, type FindPlan } from '../../src/parsers/find-args.js';

// find walks like walkGuest (src/guest/walk.ts): a symlink is reported, never entered, so a
// hostile link cannot lead the walk out of the guest. A backend with a fast tree scan
// (GuestFs.scanTree: a mounted guest reads the host tree synchronously) does the walk; others
// are walked through GuestFs.list. Entries are stat'ed only for -size. Output is in pre-order
// with each directory's entries sorted by name (deterministic, unlike find's readdir order).

/** Collects matches, in the order found. */
class Sink {
  readonly paths: string[] = [];
  add(path: string): void {
    this.paths.push(path);
  }
}

/** One line per path, written in large batches (one write per 64 KiB). */
function renderPaths(paths: string[], out: Output): void {
  let buf = '';
  for (const p of paths) {
    if ((buf += escapeForTerminal(p) + '\n').length >= 65536) {
      out.write(buf);
      buf = '';
    }
  }
  if (buf) out.write(buf);
}

interface Matcher {
  /** Whether the tests pass for an entry; `size` is only called when -size is used. */
  (name: string, type: FileType, size: () => number): boolean;
}

function matcher(plan: FindPlan): Matcher {
  const { names, types, sizes } = plan;
  return (name, type, size) => {
    for (const m of names) if (!m(name)) return false;
    if (types !== null && !types.has(type)) return false;
    if (sizes.length > 0) {
      const s = size();
      if (s < 0) return false; // vanished
      for (const t of sizes) if (!sizeMatches(s, t)) return false;
    }
    return true;
  };
}

interface GuestFrame {
  guest: string;
  depth: number;
  entries: DirEntry[];
  i: number;
}

/** The same walk through the GuestFs interface (guests that are not a host directory). */
async function scanGuest(fs: GuestFs, dir: string, plan: FindPlan, match: Matcher, sink: Sink, ctx: CommandContext, onError: (path: string, err: unknown) => void): Promise<void> {
  const stack: GuestFrame[] = [];
  const open = async (guest: string, depth: number): Promise<void> => {
    try {
      stack.push({ guest, depth, entries: await fs.list(guest || '/'), i: 0 });
    } catch (err) {
      onError(guest || '/', err);
    }
  };
  const root = await fs.realpath(dir);
  await open(root === '/' ? '' : root, 1);
  while (stack.length > 0) {
    if (ctx.signal.aborted) throw new CliError('cancelled', 'cancelled');
    const f = stack[stack.length - 1]!;
    if (f.i >= f.entries.length) {
      stack.pop();
      continue;
    }
    const e = f.entries[f.i++]!;
    const path = `${f.guest}/${e.name}`;
    if (f.depth >= plan.minDepth) {
      let size = -1;
      if (plan.sizes.length > 0) size = (await fs.lstat(path).catch(() => null))?.size ?? -1;
      if (match(e.name, e.type, () => size)) sink.add(path);
    }
    if (e.type === 'directory' && f.depth < plan.maxDepth) await open(path, f.depth + 1);
  }
}

function baseName(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

export const find = defineCommand({
  name: 'find',
  category: 'file-operations',
  summary: 'Find guest files by name, type, size and depth (never follows symlinks)',
  description: [
    'Tests are ANDed, as in find(1). -name/-iname match the base name with shell globs (* ? [...]).',
    '-type takes f d l b c p s (comma-separated for several). -size is GNU find\'s: no suffix means',
    '512-byte blocks, c bytes, k KiB, M MiB, G GiB, and the size is rounded up to whole units',
    '(so -size -1M matches only empty files; use -size -1024k for "under 1 MiB").',
    'Symlinks are listed, never entered; a start PATH that is a symlink is not followed either',
    "unless written with a trailing slash. Prints one absolute guest path per line (each directory's",
    'entries sorted by name); --json gives an array of paths.',
  ].join('\n'),
  examples: ["find /etc -name '*.conf'", 'find / -type f -size +10M', "find /home -iname '*.jpg' -maxdepth 3", 'find /etc -type l'],
  positionals: [
    { name: 'PATH', optional: true, variadic: true, complete: 'guest-path', description: 'where to start (default: cwd)' },
    { name: 'TESTS', optional: true, variadic: true, description: '-name GLOB -iname GLOB -type X -size [+-]N[ckMG] -maxdepth N -mindepth N' },
  ],
  needs: ['fs'],
  rawArgs: true,
  async run(ctx, args) {
    const plan = parseFindArgs(args.raw);
    const fs = ctx.guest.fs;
    const match = matcher(plan);
    const sink = new Sink();
    let failed = false;
    const onError = (path: string, err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      // Listed as a directory but not one when opened (a buggy FUSE driver, or a race): there
      // is nothing below it to find, as GNU find sees it.
      if (code === 'ENOTDIR') return;
      failed = true;
      ctx.out.error(`find: ${path}: ${(code !== undefined ? errnoText[code] : undefined) ?? code ?? describeError(err)}`);
    };
    for (const start of plan.paths) {
      const abs = ctx.guestPath(start);
      const follow = start.endsWith('/') || start === '.' || start === '..';
      const st = follow ? await fs.stat(abs) : await fs.lstat(abs);
      if (plan.minDepth === 0 && match(baseName(st.path), st.type, () => st.size)) sink.add(st.path);
      if (st.type !== 'directory' || plan.maxDepth < 1) continue;
      if (fs.scanTree) {
        const visit = (dir: string, name: string, type: FileType, size: () => number) => {
          if (match(name, type, size)) sink.add(`${dir}/${name}`);
        };
        await fs.scanTree(st.path, { minDepth: plan.minDepth, maxDepth: plan.maxDepth, needType: plan.types !== null, visit, onError, signal: ctx.signal });
      } else await scanGuest(fs, st.path, plan, match, sink, ctx, onError);
    }
    if (failed) ctx.setExitCode(1);
    return sink.paths;
  },
  render(paths: string[], out: Output) {
    renderPaths(paths, out);
  },
});
