import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { applyChanges, diffOf, readOptional, type FileChange } from '../../src/guest/file-changes.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { collectFiles, type Skipped } from './_shared/collect-files.js';
import { makeReplacer } from './_shared/replace-text.js';

// A file with a NUL in its first 8 KiB is binary, as GNU grep decides.
const BINARY_PROBE = 8192;

interface FileResult {
  path: string;
  matches: number;
  backup: string | null;
}

interface GrepReplaceResult {
  dryRun: boolean;
  files: FileResult[];
  skipped: Skipped[];
  /** Files looked at (regular, text). */
  searched: number;
  diff: string;
  /** The diff was already shown before the question on a terminal. */
  asked: boolean;
}

export const grepReplace = defineCommand({
  name: 'grep-replace',
  category: 'advanced-file-operations',
  summary: 'Replace a string or regular expression in guest files, showing the diff first and keeping owner, mode and xattrs',
  description:
    'PATTERN is a literal string unless --regex (a JavaScript regular expression, multiline, every match; REPLACEMENT may use $1, $<name>, $&). ' +
    'The unified diff of every file that will change is shown and, on a terminal, confirmed before anything is written; each file is then written atomically ' +
    '(temporary file + rename) with its owner, mode and extended attributes (SELinux labels) kept. Binary files (a NUL byte in the first 8 KiB) and files that are not valid UTF-8 ' +
    'are skipped and named; symlinks are never followed, neither as PATH nor while recursing (-r). --backup keeps the previous content as FILE.orig (as patch -b), same owner and mode, ' +
    'replacing an older FILE.orig. No match at all is not an error: it says so.',
  examples: ["grep-replace 'PermitRootLogin yes' 'PermitRootLogin no' /etc/ssh/sshd_config", "grep-replace -r --regex '^(\\s*)Port 22$' '$1Port 2222' /etc/ssh --dry-run", 'grep-replace old.example.com new.example.com /etc/nginx -r --backup'],
  positionals: [
    { name: 'PATTERN', description: 'the text (or with --regex, the expression) to find', complete: 'none' },
    { name: 'REPLACEMENT', description: 'what replaces each match', complete: 'none' },
    { name: 'PATH', description: 'guest files (or directories with -r)', complete: 'guest-path', variadic: true },
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'descend into directories (symlinks are not followed)' },
    regex: { type: 'boolean', description: 'PATTERN is a JavaScript regular expression' },
    backup: { type: 'boolean', description: 'keep the previous content as FILE.orig' },
    ...dryRunOption('show the diff and write nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args): Promise<GrepReplaceResult> {
    const replacer = makeReplacer(args.str('PATTERN'), args.str('REPLACEMENT'), args.flag('regex'));
    const { files: paths, skipped } = await collectFiles(ctx.guest.fs, args.list('PATH').map((p) => ctx.guestPath(p)), args.flag('recursive'), ctx.signal);
    const dryRun = args.flag(DRY_RUN);
    const backup = args.flag('backup');
    const edits: FileChange[] = [];
    const backups: FileChange[] = [];
    const files: FileResult[] = [];
    let searched = 0;
    for (const path of paths) {
      const data = await ctx.guest.fs.readFile(path).catch((err: Error) => {
        throw new CliError('failed', `grep-replace: reading ${path}: ${describeError(err)}`);
      });
      if (data.subarray(0, BINARY_PROBE).includes(0)) { skipped.push({ path, reason: 'binary file' }); continue; }
      const text = data.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(data)) { skipped.push({ path, reason: 'not valid UTF-8 text' }); continue; }
      searched++;
      const r = replacer.apply(text);
      if (r.matches === 0 || r.text === text) continue;
      let backupPath: string | null = null;
      if (backup) {
        backupPath = `${path}.orig`;
        const st = await ctx.guest.fs.stat(path);
        backups.push({ path: backupPath, before: await readOptional(ctx.guest, backupPath), after: text, mode: st.mode, uid: st.uid, gid: st.gid });
      }
      edits.push({ path, before: text, after: r.text });
      files.push({ path, matches: r.matches, backup: backupPath });
    }
    const diff = diffOf(edits);
    let asked = false;
    if (!dryRun && files.length > 0 && ctx.prompt.interactive && !ctx.json) {
      ctx.out.write(escapeLinesForTerminal(diff));
      asked = true;
      const n = files.reduce((s, f) => s + f.matches, 0);
      if (!(await ctx.prompt.confirm(`replace ${n} match(es) in ${files.length} file(s)?`, false))) throw new CliError('cancelled', 'grep-replace: nothing written');
    }
    if (!dryRun && files.length > 0) await applyChanges(ctx.guest, [...backups, ...edits]);
    return { dryRun, files, skipped, searched, diff, asked };
  },
  render(r: GrepReplaceResult, out: Output) {
    if (!r.asked) out.write(escapeLinesForTerminal(r.diff));
    for (const s of r.skipped) out.note(`skipped ${escapeForTerminal(s.path)}: ${s.reason}`);
    if (r.files.length === 0) {
      out.line(`no match in ${r.searched} file(s) searched; nothing to change`);
      return;
    }
    const n = r.files.reduce((s, f) => s + f.matches, 0);
    out.line(`${r.dryRun ? 'would replace' : 'replaced'} ${n} match(es) in ${r.files.length} of ${r.searched} file(s) searched`);
    for (const f of r.files) if (f.backup) out.line(`  ${r.dryRun ? 'would keep' : 'kept'} the previous ${escapeForTerminal(f.path)} as ${escapeForTerminal(f.backup)}`);
  },
});
