// The terminal as commands and the prompt see it: whether it is one, its size, raw key
// reading (top), clearing (clear), and handing it to a child program (run, edit). Only this
// file and output.ts know the process's streams; commands reach them through ctx.out.terminal.

import { LiveRegion } from './live-region.js';

export interface TerminalStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; rows?: number; columns?: number };
  stdin?: NodeJS.ReadStream;
}

type KeypressListener = (...a: unknown[]) => void;

export class Terminal {
  constructor(
    private readonly streams: TerminalStreams,
    private readonly json: boolean,
  ) {}

  /** Both ends are a terminal and stdout is not reserved for --json: a program may take it over. */
  get interactive(): boolean {
    return !this.json && this.streams.stdout.isTTY === true && this.streams.stdin?.isTTY === true;
  }

  get rows(): number {
    return this.streams.stdout.rows ?? 24;
  }

  get columns(): number {
    return this.streams.stdout.columns ?? 80;
  }

  /** Lines redrawn in place on a terminal, appended in a pipe, not drawn with --json (see live-region.ts). */
  liveRegion(): LiveRegion {
    return new LiveRegion(this.json ? null : this.streams.stdout, this.streams.stdout.isTTY === true, () => this.columns);
  }

  /** The streams themselves, for the prompt's readline. */
  get input(): NodeJS.ReadStream {
    if (!this.streams.stdin) throw new Error('internal: this output has no input stream');
    return this.streams.stdin;
  }

  get output(): NodeJS.WritableStream {
    return this.streams.stdout;
  }

  clearScreen(scrollback = false): void {
    this.streams.stdout.write(scrollback ? '\x1b[H\x1b[2J\x1b[3J' : '\x1b[H\x1b[2J');
  }

  setRawMode(raw: boolean): void {
    this.streams.stdin?.setRawMode?.(raw);
  }

  /** Single keys as they are pressed (raw mode: Ctrl-C arrives here as \u0003, not as SIGINT) until the returned stop(). */
  readKeys(onKey: (key: string) => void): () => void {
    const stdin = this.input;
    const listener = (d: Buffer) => onKey(d.toString());
    stdin.setRawMode?.(true);
    stdin.on('data', listener);
    stdin.resume();
    return () => {
      stdin.off('data', listener);
      stdin.setRawMode?.(false);
      stdin.pause();
    };
  }

  /**
   * Detach the prompt's keypress listeners until the returned restore(): a paused readline still
   * receives keypresses once something else resumes stdin, and would echo (and later run) them.
   */
  detachKeypress(): () => void {
    const stdin = this.streams.stdin;
    if (!stdin) return () => undefined;
    const listeners = stdin.listeners('keypress') as KeypressListener[];
    for (const l of listeners) stdin.removeListener('keypress', l);
    return () => {
      for (const l of listeners) stdin.on('keypress', l);
    };
  }

  /**
   * Let a child program that inherits stdin/stdout/stderr (an editor, an interactive program)
   * own the terminal while `fn` runs: cooked mode and no listener of ours reading the keys.
   */
  async handTo<T>(fn: () => Promise<T>): Promise<T> {
    const stdin = this.streams.stdin;
    const wasRaw = stdin?.isRaw === true;
    if (wasRaw) stdin?.setRawMode?.(false);
    const restore = this.detachKeypress();
    try {
      return await fn();
    } finally {
      restore();
      if (wasRaw) stdin?.setRawMode?.(true);
    }
  }
}
