import { accessSync, constants as C, statSync, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { execa } from 'execa';
import { parse } from 'shell-quote';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { GuestFs } from '../../src/guest/types.js';
import { CliError } from '../../src/util/errors.js';
import { unifiedDiff } from '../../src/parsers/diff.js';

// Edit a guest file with a host editor: guest → private host temp copy → editor → diff →
// (confirm on a terminal) → atomic write back through GuestFs.writeFile, which keeps the
// file's owner, mode and xattrs. Nothing is written unless the editor exits 0 and the
// content changed. The temp directory is always removed.

export interface Editor {
  /** Where it came from: $VISUAL, $EDITOR, or the default. */
  source: string;
  /** Absolute path of the program. */
  program: string;
  args: string[];
}

/** The program on PATH (or the path itself when it has a slash), if it is an executable file. */
export function findProgram(name: string, pathVar: string | undefined): string | null {
  const ok = (p: string) => {
    try {
      accessSync(p, C.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return ok(resolve(name)) ? resolve(name) : null;
  for (const dir of (pathVar ?? '').split(':')) {
    const p = join(dir || '.', name);
    if (ok(p)) return isAbsolute(p) ? p : resolve(p);
  }
  return null;
}

/** $VISUAL, then $EDITOR, then nano, then vi: the first one found on the host PATH. */
export function pickEditor(env: NodeJS.ProcessEnv): Editor {
  const tried: string[] = [];
  const candidates: [string, string | undefined][] = [
    ['$VISUAL', env.VISUAL],
    ['$EDITOR', env.EDITOR],
    ['default', 'nano'],
    ['default', 'vi'],
  ];
  for (const [source, value] of candidates) {
    if (!value || !value.trim()) continue;
    const words = parse(value, (name: string) => env[name] ?? '');
    if (!words.every((w): w is string => typeof w === 'string'))
      throw new CliError('usage', `${source} must be a program and its arguments, without shell operators: ${value}`);
    const [name, ...args] = words;
    if (!name) continue;
    const program = findProgram(name, env.PATH);
    if (program) return { source, program, args };
    tried.push(source === 'default' ? name : `${source}=${value}`);
  }
  throw new CliError('missing-tool', `no editor found on the host PATH (tried ${tried.join(', ') || 'nothing'}): set EDITOR`);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * For a file that does not exist yet: fail now, before any editing, when it could not be
 * created (its directory is missing, also at the far end of a dangling symlink).
 */
async function checkCreatable(fs: GuestFs, path: string): Promise<void> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = await fs.lstat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null; // a missing directory on the way is reported just below
      throw err;
    });
    if (st === null) {
      const parent = await fs.stat(posix.dirname(p));
      if (parent.type !== 'directory') throw new CliError('not-found', `not a directory: ${parent.path}`);
      return;
    }
    if (st.type !== 'symlink' || st.symlinkTarget === undefined) return;
    const t = st.symlinkTarget;
    p = t.startsWith('/') ? posix.normalize(t) : posix.join(posix.dirname(st.path), t);
  }
  throw new CliError('failed', `too many levels of symbolic links: ${path}`);
}

/** A file name for the host copy: the guest base name, so the editor picks its syntax. */
function hostName(guestPath: string): string {
  const b = posix.basename(guestPath);
  return !b || b === '.' || b === '..' ? 'file' : b;
}

function showDiff(ctx: CommandContext, diff: string): void {
  const c = ctx.out.color;
  for (const line of diff.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) ctx.out.line(c.bold(line));
    else if (line.startsWith('@@')) ctx.out.line(c.cyan(line));
    else if (line.startsWith('+')) ctx.out.line(c.green(line));
    else if (line.startsWith('-')) ctx.out.line(c.red(line));
    else ctx.out.line(line);
  }
}

export const edit = defineCommand({
  name: 'edit',
  category: 'File Operations',
  summary: 'Edit a guest file with your editor ($VISUAL, $EDITOR, nano or vi)',
  description: [
    'The file is copied to a private host temp directory (mode 0700, same base name so the editor picks the',
    'syntax), the editor runs on it, and if the content changed the unified diff is shown and, on a terminal,',
    'confirmed before the file is written back atomically, keeping its owner, mode and extended attributes.',
    'Nothing is written when the content is unchanged or the editor fails. A missing file is created',
    '(root:root 0644) if you save something. --backup keeps the previous version as PATH.bak in the guest.',
    'EDITOR may carry arguments (e.g. "code -w", "vim -u NONE").',
  ].join('\n'),
  examples: ['edit /etc/fstab', 'edit /etc/ssh/sshd_config --backup', 'edit /etc/motd'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'a guest file (created if missing)' }],
  options: {
    backup: { type: 'boolean', short: 'b', description: 'keep the previous version as PATH.bak' },
  },
  needs: ['fs'],
  mutates: true,
  usesTerminal: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const path = ctx.guestPath(args.str('PATH'));
    let original: Buffer;
    let created = false;
    try {
      original = await fs.readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new CliError('usage', `${path} is a directory`);
      if (code !== 'ENOENT') throw err;
      await checkCreatable(fs, path);
      original = Buffer.alloc(0);
      created = true;
    }
    const editor = pickEditor(process.env);
    const dir = await fsp.mkdtemp(join(tmpdir(), 'guestctl-edit-'));
    try {
      await fsp.chmod(dir, 0o700);
      const file = join(dir, hostName(path));
      await fsp.writeFile(file, original, { mode: 0o600, flag: 'wx' });
      const before = sha256(original);
      const r = await execa(editor.program, [...editor.args, file], {
        stdin: 'inherit',
        // With --json stdout carries one JSON value: the editor's own output goes to stderr.
        stdout: ctx.json ? 2 : 'inherit',
        stderr: 'inherit',
        reject: false,
      });
      const name = posix.basename(editor.program);
      if (r.signal) throw new CliError('failed', `the editor (${name}) was killed by ${r.signal}: nothing written to ${path}`);
      if (r.exitCode !== 0) {
        const why = r.exitCode === undefined ? `could not run: ${r.shortMessage}` : `exited with status ${r.exitCode}`;
        throw new CliError('failed', `the editor (${name}) ${why}: nothing written to ${path}`);
      }
      const edited = await fsp.readFile(file).catch(() => {
        throw new CliError('failed', `the editor removed its copy of the file: nothing written to ${path}`);
      });
      if (sha256(edited) === before) {
        ctx.out.line(`no changes: ${path} ${created ? 'not created' : 'left as it was'}`);
        return { path, changed: false, written: false };
      }
      const text = isUtf8(original) && isUtf8(edited) && !original.includes(0) && !edited.includes(0);
      const diff = text ? unifiedDiff(original.toString('utf8'), edited.toString('utf8'), { oldLabel: created ? '/dev/null' : path, newLabel: path }) : '';
      if (!ctx.json) {
        if (text) showDiff(ctx, diff);
        else ctx.out.line(`binary content changed: ${original.length} → ${edited.length} bytes`);
      }
      if (ctx.prompt.interactive && !ctx.json) {
        const ok = await ctx.prompt.confirm(`write ${path}?`, true);
        if (!ok) {
          ctx.out.line(`not written: ${path} ${created ? 'not created' : 'left as it was'}`);
          return { path, changed: true, written: false, diff };
        }
      }
      const backupPath = args.flag('backup') && !created ? `${path}.bak` : undefined;
      await fs.writeFile(path, edited, { mode: 0o644, uid: 0, gid: 0, ...(backupPath ? { backupPath } : {}) });
      ctx.out.line(`${created ? 'created' : 'wrote'} ${path}${backupPath ? ` (previous version kept as ${backupPath})` : ''}`);
      return { path, changed: true, written: true, created, diff, ...(backupPath ? { backup: backupPath } : {}) };
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  },
});
