import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { FileType, GuestFs } from '../../src/guest/types.js';
import { parseCount } from '../../src/util/option-values.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { byName } from './_shared/sort.js';

// tree(1) over GuestFs.list: a symlink is shown as `name -> target` and never entered (a link
// to a directory counts as a directory, as tree counts it: its type is looked up inside the
// guest). Entries are sorted by name in byte order (tree in the C locale).

export interface TreeNode {
  name: string;
  type: FileType;
  /** A symlink's target, as stored. */
  target?: string;
  /** Directories that were listed (not beyond -L). */
  contents?: TreeNode[];
  /** Why a directory could not be listed. */
  error?: string;
}

export interface TreeResult {
  root: TreeNode;
  directories: number;
  files: number;
  directoriesOnly: boolean;
}

interface TreeWalk {
  fs: GuestFs;
  maxDepth: number;
  all: boolean;
  dirsOnly: boolean;
  counts: { directories: number; files: number };
  ctx: CommandContext;
}

/** Whether a symlink leads to a directory, resolved inside the guest (a dangling link does not). */
async function linkIsDirectory(fs: GuestFs, path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).type === 'directory';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR' || code === 'EACCES') return false;
    throw err;
  }
}

async function listInto(w: TreeWalk, node: TreeNode, path: string, depth: number): Promise<void> {
  if (w.ctx.signal.aborted) throw new CliError('cancelled', 'cancelled');
  let entries;
  try {
    entries = (await w.fs.list(path)).sort(byName);
  } catch (err) {
    node.error = describeError(err);
    return;
  }
  node.contents = [];
  const base = path === '/' ? '' : path;
  for (const e of entries) {
    if (!w.all && e.name.startsWith('.')) continue;
    const child: TreeNode = { name: e.name, type: e.type };
    const childPath = `${base}/${e.name}`;
    let isDir = e.type === 'directory';
    if (e.type === 'symlink') {
      child.target = await w.fs.readlink(childPath);
      isDir = await linkIsDirectory(w.fs, childPath);
    }
    if (w.dirsOnly && !isDir) continue;
    if (isDir) w.counts.directories++;
    else w.counts.files++;
    node.contents.push(child);
    if (e.type === 'directory' && depth < w.maxDepth) await listInto(w, child, childPath, depth + 1);
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function renderNode(node: TreeNode, prefix: string, lines: string[]): void {
  const kids = node.contents ?? [];
  kids.forEach((k, i) => {
    const last = i === kids.length - 1;
    const link = k.target !== undefined ? ` -> ${escapeForTerminal(k.target)}` : '';
    const error = k.error ? `  [error opening dir: ${escapeForTerminal(k.error)}]` : '';
    lines.push(`${prefix}${last ? '└── ' : '├── '}${escapeForTerminal(k.name)}${link}${error}`);
    renderNode(k, prefix + (last ? '    ' : '│   '), lines);
  });
}

export const tree = defineCommand({
  name: 'tree',
  category: 'advanced-file-operations',
  summary: 'Show a guest directory as a tree, as tree(1) does (never follows symlinks)',
  description: [
    'Draws the tree with the characters tree(1) uses and ends with its "N directories, M files" line.',
    'Symlinks are shown as `name -> target` and never entered; a link to a directory (resolved inside',
    'the guest) counts as a directory, as tree counts it. A PATH that is itself a symlink is followed',
    'inside the guest, as tree does. Hidden entries (names starting with a dot) only with -a. Entries',
    'are sorted by name in byte order (tree in the C locale). --json gives',
    '{root: {name, type, target?, contents?, error?}, directories, files}.',
  ].join('\n'),
  examples: ['tree /etc -L 2', 'tree /home -a', 'tree /var -d -L 3', 'tree'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-path', description: 'the directory to show (default: cwd)' }],
  options: {
    level: { type: 'string', short: 'L', valueName: 'DEPTH', description: 'descend at most DEPTH levels' },
    all: { type: 'boolean', short: 'a', description: 'also show hidden entries' },
    'dirs-only': { type: 'boolean', short: 'd', description: 'show directories only' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const maxDepth = parseCount(args.optStr('level'), 1_000_000, '-L');
    const given = args.optStr('PATH') ?? '.';
    const fs = ctx.guest.fs;
    const st = await fs.stat(ctx.guestPath(given));
    const counts = { directories: 0, files: 0 };
    const root: TreeNode = { name: given, type: st.type };
    if (st.type !== 'directory') throw new CliError('usage', `${given} is not a directory (tree shows directories)`);
    await listInto({ fs, maxDepth, all: args.flag('all'), dirsOnly: args.flag('dirs-only'), counts, ctx }, root, st.path, 1);
    if (root.error) throw new CliError('failed', `tree: cannot list ${st.path}: ${root.error}`);
    return { root, ...counts, directoriesOnly: args.flag('dirs-only') };
  },
  render(r: TreeResult, out: Output) {
    const lines = [escapeForTerminal(r.root.name)];
    renderNode(r.root, '', lines);
    const dirs = plural(r.directories, 'directory', 'directories');
    lines.push('', r.directoriesOnly ? dirs : `${dirs}, ${plural(r.files, 'file', 'files')}`);
    out.write(lines.join('\n') + '\n');
  },
});
