import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseCount } from '../../src/util/option-values.js';
import { CliError } from '../../src/util/errors.js';
import { SideOpener } from './_shared/diff-sides.js';
import { compareDirs, compareFiles, describeDifference, type Difference } from './_shared/compare.js';

export interface DiffResult {
  recursive: boolean;
  differences: Difference[];
}

export const diff = defineCommand({
  name: 'diff',
  category: 'advanced-file-operations',
  summary: 'Compare guest, host or other-image files and trees (unified diff, read-only)',
  description: [
    'Each side is a guest path, host:PATH (a host file or directory), or IMAGE:PATH (a path in another',
    'disk image, opened read-only for the comparison and closed afterwards). A word is IMAGE:PATH only',
    'when the part before the first colon ends in .qcow2 .img .raw .vmdk .vdi .vhd .vhdx or .qed and is',
    'an existing host file; any other word is a guest path (a guest path may hold a colon).',
    'Prints a unified diff (3 lines of context, -U N for N; -u is accepted, as the format is always',
    'unified). -r compares trees as GNU diff -r --no-dereference: "Only in", type changes, symlink',
    'targets (links are never followed below the top), binary files (a NUL byte in the first 8 KiB)',
    'by "Binary files ... differ". Exit status: 0 the same, 1 different (as diff); an error exits as other commands do.',
    '--json: {recursive, differences: [{kind: only|type|link|binary|changed, ...}]}.',
  ].join('\n'),
  examples: ['diff /etc/hosts host:/etc/hosts', 'diff -r /etc/ssh base.qcow2:/etc/ssh', 'diff -U 1 /etc/fstab /etc/fstab.bak'],
  positionals: [
    { name: 'A', complete: 'guest-path', description: 'guest path, host:PATH or IMAGE:PATH' },
    { name: 'B', complete: 'guest-path', description: 'guest path, host:PATH or IMAGE:PATH' },
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'compare directories recursively' },
    unified: { type: 'boolean', short: 'u', description: 'unified format (always on; accepted as in diff -u)' },
    context: { type: 'string', short: 'U', valueName: 'N', description: 'lines of context (default 3)' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const context = parseCount(args.optStr('context'), 3, '-U', { min: 0 });
    const recursive = args.flag('recursive');
    const opener = new SideOpener(ctx);
    const c = { context, signal: ctx.signal, out: [] as Difference[] };
    try {
      const a = await opener.open(args.str('A'));
      const b = await opener.open(args.str('B'));
      const [ta, tb] = await Promise.all([a.fs.stat(a.path), b.fs.stat(b.path)]);
      if (ta.type === 'directory' && tb.type === 'directory') {
        if (!recursive) throw new CliError('usage', `diff: ${args.str('A')} and ${args.str('B')} are directories (use -r)`);
        await compareDirs(c, a, a.path, b, b.path);
      } else if (ta.type === 'file' && tb.type === 'file') await compareFiles(c, a, a.path, b, b.path);
      else throw new CliError('usage', `diff: compares two regular files or, with -r, two directories: ${args.str('A')} is a ${ta.type}, ${args.str('B')} a ${tb.type}`);
    } finally {
      await opener.close();
    }
    ctx.setExitCode(c.out.length > 0 ? 1 : 0);
    return { recursive, differences: c.out };
  },
  render(r: DiffResult, out: Output) {
    for (const d of r.differences) {
      if (d.kind !== 'changed') out.line(escapeForTerminal(describeDifference(d)));
      else {
        if (r.recursive) out.line(escapeForTerminal(`diff -r ${d.a} ${d.b}`));
        out.write(escapeLinesForTerminal(d.diff));
      }
    }
  },
});
