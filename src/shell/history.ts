import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { describeError } from '../util/errors.js';

// Per-user prompt history: $GUESTCTL_HISTORY, else $XDG_STATE_HOME/guestctl/history,
// mode 0600, bounded to the newest MAX lines. The file is only ever opened with O_NOFOLLOW:
// a history path that is a symbolic link (planted to make guestctl, often run as root, write
// typed commands through it) is not read nor written, and the user is told once.

export const HISTORY_MAX = 1000;

export function historyPath(): string {
  if (process.env.GUESTCTL_HISTORY) return process.env.GUESTCTL_HISTORY;
  const state = process.env.XDG_STATE_HOME || `${homedir()}/.local/state`;
  return `${state}/guestctl/history`;
}

function reason(path: string, err: unknown): string {
  if ((err as NodeJS.ErrnoException).code === 'ELOOP') return `the history file ${path} is a symbolic link: not following it, history is not kept this session`;
  return `history is not kept this session: ${describeError(err)}`;
}

/** The whole file from offset 0, whatever the fd's position (O_APPEND leaves it at the end). */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  for (let pos = 0; ; ) {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return Buffer.concat(chunks).toString('utf8');
    chunks.push(buf.subarray(0, n));
    pos += n;
  }
}

export class History {
  private disabled = false;

  constructor(
    private readonly warn: (text: string) => void,
    readonly path = historyPath(),
  ) {}

  /** Newest first, as readline wants it. */
  load(): string[] {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err);
      return [];
    }
    try {
      return readFileSync(fd, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_MAX).reverse();
    } catch (err) {
      this.fail(err);
      return [];
    } finally {
      closeSync(fd);
    }
  }

  append(line: string): void {
    if (this.disabled || !line.trim()) return;
    let fd: number;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      fd = openSync(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
    } catch (err) {
      return this.fail(err);
    }
    try {
      const st = fstatSync(fd);
      // /dev/null (history off) is written to, never chmod'ed or trimmed.
      if (st.isFile() && (st.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
      writeSync(fd, line.replace(/\n/g, ' ') + '\n');
      if (st.isFile()) {
        const lines = readAll(fd).split('\n').filter(Boolean);
        if (lines.length > HISTORY_MAX * 1.5) {
          ftruncateSync(fd, 0);
          writeSync(fd, lines.slice(-HISTORY_MAX).join('\n') + '\n');
        }
      }
    } catch (err) {
      this.fail(err);
    } finally {
      closeSync(fd);
    }
  }

  /** History is a convenience: a failure never breaks the shell, it is said once and history stops. */
  private fail(err: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    this.warn(reason(this.path, err));
  }
}
