// One error class for everything a user should see as a one-line message.
// Exit codes (documented in the README): 0 ok, 1 failed, 2 usage, 130 cancelled.

export type ErrorCode =
  | 'usage'
  | 'not-found'
  | 'exists'
  | 'not-root'
  | 'missing-tool'
  | 'image'
  | 'locked'
  | 'unsupported'
  | 'refused'
  | 'failed'
  | 'cancelled'
  | 'escape';

export class CliError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }

  get exitCode(): number {
    if (this.code === 'usage') return 2;
    if (this.code === 'cancelled') return 130;
    return 1;
  }
}

export const usageError = (message: string) => new CliError('usage', message);

/** The exit-code table in one line, for help texts. */
export const EXIT_STATUS = 'Exit status: 0 ok, 1 failed, 2 usage, 130 cancelled.';

export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : 1;
}

/**
 * How a failed top-level run ends (guestctl's main, an interactive session, guestctl edit):
 * one `error: …` line, the stack only with --debug, and the exit status of the error.
 */
export function reportError(err: unknown, out: { error(text: string): void }, debug: boolean, stderr: NodeJS.WritableStream = process.stderr): number {
  out.error(describeError(err));
  if (debug && err instanceof Error) stderr.write(`${err.stack}\n`);
  return exitCodeOf(err);
}

/** One-line description of any thrown value, for `error: …` lines. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof Error && (err as { guestPathError?: boolean }).guestPathError) return err.message;
  if (err && typeof err === 'object' && 'code' in err && typeof (err as NodeJS.ErrnoException).code === 'string') {
    const e = err as NodeJS.ErrnoException;
    const what = errnoText[e.code as string];
    if (what) return e.path ? `${what}: ${e.path}` : what;
  }
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err);
  return String(err);
}

export const errnoText: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTEMPTY: 'directory not empty',
  EROFS: 'read-only file system (the session was opened with --ro)',
  ENOSPC: 'no space left on the guest filesystem',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'cannot move across filesystems',
  EINVAL: 'invalid argument',
};

/** An errno-style error about a guest path, with a message fit for the user. */
export function guestPathError(code: string, guestPath: string, text?: string): NodeJS.ErrnoException {
  const err = new Error(`${text ?? errnoText[code] ?? code}: ${guestPath}`) as NodeJS.ErrnoException & { guestPathError: boolean };
  err.code = code;
  err.path = guestPath;
  err.guestPathError = true;
  return err;
}
