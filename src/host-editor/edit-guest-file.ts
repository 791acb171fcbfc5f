import { accessSync, constants as C, statSync, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { execa } from 'execa';
import { parse } from 'shell-quote';
import type { GuestFs } from '../guest/types.js';
import type { Output } from '../shell/output.js';
import type { Prompter } from '../util/prompter.js';
import { CliError, describeError } from '../util/errors.js';
import { unifiedDiff } from '../parsers/diff.js';

// Edit a guest file with a host editor ($VISUAL/$EDITOR), for the shell's `edit` command
// (commands/file-operations/edit.ts) and for `guestctl edit --domain` (live-edit.ts); the pure
// rewrites of config file text are elsewhere (src/editors/). The flow: guest → private host
// copy → editor → SHA-256 before/after → diff → (confirm on a terminal) → check the guest file did not change meanwhile → atomic write back through
// GuestFs.writeFile, which keeps owner, mode and xattrs (the old file stays in place when
// anything fails). Nothing is written unless the editor exits 0 and the content changed.
// The content is moved as bytes: line endings (CRLF) and encodings are kept as they are.

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

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A Windows guest path: C:\dir\file, C:/dir/file or \\server\share\file. */
export function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** The last component of a POSIX or Windows guest path. */
export function guestBaseName(guestPath: string): string {
  return isWindowsPath(guestPath) ? (guestPath.split(/[\\/]/).pop() ?? '') : posix.basename(guestPath);
}

/**
 * For a file that does not exist yet: fail now, before any editing, when it could not be
 * created (its directory is missing, also at the far end of a dangling symlink).
 */
async function checkCreatable(fs: GuestFs, path: string): Promise<void> {
  if (isWindowsPath(path)) return; // the write itself reports a missing folder; no symlink walk there
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
  const b = guestBaseName(guestPath);
  return !b || b === '.' || b === '..' ? 'file' : b;
}

export function showDiff(out: Output, diff: string): void {
  const c = out.color;
  for (const line of diff.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) out.line(c.bold(line));
    else if (line.startsWith('@@')) out.line(c.cyan(line));
    else if (line.startsWith('+')) out.line(c.green(line));
    else if (line.startsWith('-')) out.line(c.red(line));
    else out.line(line);
  }
}

export interface EditFileOptions {
  out: Output;
  prompt: Prompter;
  json: boolean;
  /** Keep the previous version as PATH.bak in the guest. */
  backup?: boolean;
  /**
   * Work on this host file and keep it afterwards (an existing directory gets the guest
   * base name in it). It must not exist yet. Without it the copy lives in a private temp
   * directory that is removed (kept only when the write to the guest fails).
   */
  localPath?: string;
  /** Environment for the editor choice (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Show the diff of the edit and write nothing (the guest file is left as it was). */
  dryRun?: boolean;
}

export interface EditResult {
  path: string;
  changed: boolean;
  written: boolean;
  created?: boolean;
  diff?: string;
  backup?: string;
  dryRun?: boolean;
  /** The host copy that was kept (--local, or after a failed write). */
  local?: string;
  sha256Before?: string;
  sha256After?: string;
}

/** Where the host copy goes: LOCAL (a new file, or a new file in an existing directory) or a private temp dir. */
async function hostCopy(localPath: string | undefined, guestPath: string): Promise<{ file: string; tempDir: string | null }> {
  if (!localPath) {
    const tempDir = await fsp.mkdtemp(join(tmpdir(), 'guestctl-edit-'));
    await fsp.chmod(tempDir, 0o700);
    return { file: join(tempDir, hostName(guestPath)), tempDir };
  }
  let file = resolve(localPath);
  const st = await fsp.stat(file).catch(() => null);
  if (st?.isDirectory()) file = join(file, hostName(guestPath));
  else if (localPath.endsWith('/')) throw new CliError('not-found', `no such host directory: ${localPath}`);
  else if (!(await fsp.stat(dirname(file)).catch(() => null))?.isDirectory()) throw new CliError('not-found', `no such host directory: ${dirname(file)}`);
  if (await fsp.lstat(file).catch(() => null)) throw new CliError('exists', `${file} already exists on the host: --local needs a new file name`);
  return { file, tempDir: null };
}

/** The whole edit flow on one guest file (absolute guest path). */
export async function editGuestFile(fs: GuestFs, path: string, opts: EditFileOptions): Promise<EditResult> {
  const { out } = opts;
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
  const editor = pickEditor(opts.env ?? process.env);
  const { file, tempDir } = await hostCopy(opts.localPath, path);
  let keep = !!opts.localPath;
  try {
    await fsp.writeFile(file, original, { mode: 0o600, flag: 'wx' });
    const before = sha256(original);
    const r = await execa(editor.program, [...editor.args, file], {
      stdin: 'inherit',
      // With --json stdout carries one JSON value: the editor's own output goes to stderr.
      stdout: opts.json ? 2 : 'inherit',
      stderr: 'inherit',
      reject: false,
      env: opts.env ?? process.env,
      extendEnv: false,
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
    const after = sha256(edited);
    const local = opts.localPath ? { local: file } : {};
    if (after === before) {
      out.line(`no changes: ${path} ${created ? 'not created' : 'left as it was'}`);
      return { path, changed: false, written: false, sha256Before: before, sha256After: after, ...local };
    }
    const text = isUtf8(original) && isUtf8(edited) && !original.includes(0) && !edited.includes(0);
    const diff = text ? unifiedDiff(original.toString('utf8'), edited.toString('utf8'), { oldLabel: created ? '/dev/null' : path, newLabel: path }) : '';
    if (!opts.json) {
      if (text) showDiff(out, diff);
      else out.line(`binary content changed: ${original.length} → ${edited.length} bytes`);
    }
    if (opts.dryRun) {
      out.line(`dry run: ${path} ${created ? 'not created' : 'left as it was'}`);
      return { path, changed: true, written: false, created, diff, dryRun: true, sha256Before: before, sha256After: after, ...local };
    }
    if (opts.prompt.interactive && !opts.json) {
      const ok = await opts.prompt.confirm(`write ${path}?`, true);
      if (!ok) {
        out.line(`not written: ${path} ${created ? 'not created' : 'left as it was'}`);
        return { path, changed: true, written: false, diff, sha256Before: before, sha256After: after, ...local };
      }
    }
    // A running guest may have changed the file while the editor was open: never overwrite that.
    const now = await fs.readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' && created) return Buffer.alloc(0);
      throw err;
    });
    if (sha256(now) !== before) {
      keep = true;
      throw new CliError('failed', `${path} changed in the guest while it was being edited: not written (your version is kept at ${file})`);
    }
    const backupPath = opts.backup && !created ? `${path}.bak` : undefined;
    try {
      await fs.writeFile(path, edited, { mode: 0o644, uid: 0, gid: 0, ...(backupPath ? { backupPath } : {}) });
    } catch (err) {
      keep = true;
      throw new CliError('failed', `${describeError(err)}: ${path} was not changed (your version is kept at ${file})`, { cause: err });
    }
    out.line(`${created ? 'created' : 'wrote'} ${path}${backupPath ? ` (previous version kept as ${backupPath})` : ''}${opts.localPath ? ` (local copy: ${file})` : ''}`);
    return { path, changed: true, written: true, created, diff, sha256Before: before, sha256After: after, ...(backupPath ? { backup: backupPath } : {}), ...local };
  } finally {
    if (tempDir && !keep) await fsp.rm(tempDir, { recursive: true, force: true });
  }
}
