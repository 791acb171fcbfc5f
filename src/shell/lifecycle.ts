import type { Guest } from '../guest/types.js';
import { describeError } from '../util/errors.js';
import type { Output } from './output.js';

// Every way out of a session ends the same way: the guest is closed (sync, unmount in
// reverse order, detach loops, stop the storage daemon). A signal that arrives while a
// command runs cancels the command; while idle, it ends the session.

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGPIPE: 141 };

export class Lifecycle {
  private guest: Guest | null = null;
  private opening: Promise<unknown> | null = null;
  private running: AbortController | null = null;
  private closing: Promise<void> | null = null;
  private readonly handlers: [string, (...a: unknown[]) => void][] = [];
  private readonly streamHandlers: [NodeJS.EventEmitter, (err: NodeJS.ErrnoException) => void][] = [];
  private crashing = false;
  /** True once close() failed to release the guest: the session must not exit 0. */
  closeFailed = false;
  /** Called when a signal arrives while idle (the REPL uses it to stop reading). */
  onIdleSignal: ((signal: string) => void) | null = null;

  constructor(private readonly out: Output) {}

  /**
   * Open the guest under this lifecycle: a signal that arrives while the image is being
   * attached waits for the open to settle (it releases everything itself if it fails),
   * then closes what was opened.
   */
  async open<G extends Guest>(fn: () => Promise<G>): Promise<G> {
    const p = fn();
    this.opening = p.catch(() => undefined);
    const guest = await p;
    this.guest = guest;
    this.opening = null;
    return guest;
  }

  install(): void {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) this.on(sig, () => this.signal(sig));
    // The reader of our output went away (`guestctl … | head`): stop like a shell pipeline
    // does on SIGPIPE. The terminal went away (EIO on a hung-up pty): end as on SIGHUP.
    // Either way: cancel the command, close the guest, and never try to report it on the
    // dead stream (that error would raise another one, forever).
    for (const stream of [process.stdin, process.stdout, process.stderr]) {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE' && stream === process.stdout) this.signal('SIGPIPE');
        else if (['EPIPE', 'EIO', 'ENOTCONN', 'ECONNRESET', 'ENXIO'].includes(err.code ?? '')) this.signal('SIGHUP');
        else this.crash(err);
      };
      stream.on('error', onError);
      this.streamHandlers.push([stream, onError]);
    }
    this.on('uncaughtException', (err) => this.crash(err));
    this.on('unhandledRejection', (err) => this.crash(err));
  }

  /** Run a command with its own cancellation. */
  async runCommand<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctl = new AbortController();
    this.running = ctl;
    try {
      return await fn(ctl.signal);
    } finally {
      this.running = null;
    }
  }

  private signal(sig: string): void {
    if (sig === 'SIGINT' && this.running) {
      this.running.abort();
      return;
    }
    this.running?.abort();
    if (this.onIdleSignal && !this.opening) {
      this.onIdleSignal(sig);
      return;
    }
    void this.close().finally(() => process.exit(SIGNAL_EXIT[sig] ?? 1));
  }

  private crash(err: unknown): void {
    if (this.crashing) return;
    this.crashing = true;
    try {
      this.out.error(`internal error: ${describeError(err)}`);
    } catch {
      // stderr itself is gone: nothing to tell, still clean up
    }
    void this.close().finally(() => process.exit(1));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.opening) await this.opening;
        await this.guest?.close();
      } catch (err) {
        this.out.error(describeError(err));
        this.closeFailed = true;
        process.exitCode = 1;
      } finally {
        for (const [event, handler] of this.handlers) process.off(event, handler);
        for (const [stream, handler] of this.streamHandlers) stream.off('error', handler);
      }
    })();
    return this.closing;
  }

  private on(event: string, handler: (...a: unknown[]) => void): void {
    process.on(event, handler);
    this.handlers.push([event, handler]);
  }
}
