import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { GuestFs } from '../../src/guest/types.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { looksBinary } from './_shared/binary.js';
import { grepRegExp } from './_shared/grep-pattern.js';
import { byName } from './_shared/sort.js';

// A read-only grep through GuestFs. As GNU grep -r: symlinks met while recursing are not
// followed, one named on the command line is (resolved inside the guest); only regular files
// are read (devices, fifos and sockets are skipped: on an image a device node is the host's).

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
}

export interface GrepResult {
  /** With -l: the files that matched; otherwise the matching lines. */
  files: string[] | null;
  matches: GrepMatch[];
  binarySkipped: string[];
  lineNumbers: boolean;
  withNames: boolean;
}

interface Search {
  fs: GuestFs;
  re: RegExp;
  filesOnly: boolean;
  result: GrepResult;
  errors: number;
  ctx: CommandContext;
}

function fail(s: Search, path: string, text: string): void {
  s.errors++;
  s.ctx.out.error(`grep: ${path}: ${text}`);
}

async function searchFile(s: Search, path: string): Promise<void> {
  let data: Buffer;
  try {
    data = await s.fs.readFile(path);
  } catch (err) {
    return fail(s, path, describeError(err));
  }
  if (looksBinary(data)) {
    s.result.binarySkipped.push(path);
    return;
  }
  const lines = data.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, text] of lines.entries()) {
    if (!s.re.test(text)) continue;
    if (s.filesOnly) {
      s.result.files!.push(path);
      return;
    }
    s.result.matches.push({ path, line: i + 1, text });
  }
}

async function searchTree(s: Search, dir: string): Promise<void> {
  if (s.ctx.signal.aborted) throw new CliError('cancelled', 'cancelled');
  let entries;
  try {
    entries = (await s.fs.list(dir)).sort(byName);
  } catch (err) {
    return fail(s, dir, describeError(err));
  }
  const base = dir === '/' ? '' : dir;
  for (const e of entries) {
    const path = `${base}/${e.name}`;
    if (e.type === 'directory') await searchTree(s, path);
    else if (e.type === 'file') await searchFile(s, path);
  }
}

export const grep = defineCommand({
  name: 'grep',
  category: 'advanced-file-operations',
  summary: 'Search guest files for a regular expression (read-only; binary files skipped)',
  description: [
    'PATTERN is a JavaScript regular expression, close to grep -E: | ( ) + ? {m,n} need no backslash,',
    'and the POSIX classes [[:digit:]] [[:alpha:]] [[:space:]] ... work. Prints path:line:text as grep',
    'does (the path only with -r or several PATHs, the line number with -n), or the matching files',
    'with -l. -r walks directories without following symlinks met on the way; a symlink named as PATH',
    'is followed inside the guest (GNU grep -r). Only regular files are read. Binary files (a NUL byte',
    'in the first 8 KiB) are skipped and counted in a note. Exit status as grep: 0 a match, 1 none,',
    '2 an error. --json: {files, matches: [{path, line, text}], binarySkipped}.',
  ].join('\n'),
  examples: ["grep -rn PermitRootLogin /etc/ssh", "grep -i 'error|fail' /var/log/syslog", 'grep -rl nameserver /etc', "grep -n '^root:' /etc/passwd /etc/group"],
  positionals: [
    { name: 'PATTERN', description: 'a regular expression (JavaScript syntax, close to grep -E)', complete: 'none' },
    { name: 'PATH', variadic: true, complete: 'guest-path', description: 'guest files, or directories with -r' },
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'search directories recursively (symlinks inside are not followed)' },
    'ignore-case': { type: 'boolean', short: 'i', description: 'ignore case' },
    'line-number': { type: 'boolean', short: 'n', description: 'print line numbers' },
    'files-with-matches': { type: 'boolean', short: 'l', description: 'print only the names of the files that match' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const re = grepRegExp(args.str('PATTERN'), args.flag('ignore-case'));
    const paths = args.list('PATH');
    const recursive = args.flag('recursive');
    const filesOnly = args.flag('files-with-matches');
    const result: GrepResult = { files: filesOnly ? [] : null, matches: [], binarySkipped: [], lineNumbers: args.flag('line-number'), withNames: recursive || paths.length > 1 };
    const s: Search = { fs: ctx.guest.fs, re, filesOnly, result, errors: 0, ctx };
    for (const given of paths) {
      const path = ctx.guestPath(given);
      let type;
      try {
        type = (await s.fs.stat(path)).type;
      } catch (err) {
        fail(s, given, describeError(err));
        continue;
      }
      if (type === 'directory') {
        if (recursive) await searchTree(s, path);
        else fail(s, given, 'Is a directory (use -r)');
      } else if (type === 'file') await searchFile(s, path);
      else fail(s, given, `not a regular file (${type}): not read`);
    }
    const n = result.binarySkipped.length;
    if (n > 0) ctx.out.note(`skipped ${n} binary file${n === 1 ? '' : 's'} (a NUL byte in the first 8 KiB), first: ${escapeForTerminal(result.binarySkipped[0]!)}`);
    const matched = filesOnly ? result.files!.length > 0 : result.matches.length > 0;
    ctx.setExitCode(s.errors > 0 ? 2 : matched ? 0 : 1);
    return result;
  },
  render(r: GrepResult, out: Output) {
    let buf = '';
    const flush = (force: boolean) => {
      if (buf.length >= 65536 || (force && buf)) {
        out.write(buf);
        buf = '';
      }
    };
    if (r.files) for (const f of r.files) (buf += escapeForTerminal(f) + '\n'), flush(false);
    else
      for (const m of r.matches) {
        buf += `${r.withNames ? escapeForTerminal(m.path) + ':' : ''}${r.lineNumbers ? `${m.line}:` : ''}${escapeLinesForTerminal(m.text)}\n`;
        flush(false);
      }
    flush(true);
  },
});
