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
    // does on SIGPIPE — cancel the command, close the guest, exit quietly.
    const onStdoutError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.signal('SIGPIPE');
      else this.crash(err);
    };
    process.stdout.on('error', onStdoutError);
    this.handlers.push(['stdout-error', onStdoutError as (...a: unknown[]) => void]);
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
    this.out.error(`internal error: ${describeError(err)}`);
    void this.close().finally(() => process.exit(1));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.opening) await this.opening;
        await this.guest?.close();
      } catch (err) {
        this.out.error(describeError(err));
        process.exitCode = 1;
      } finally {
        for (const [event, handler] of this.handlers) {
          if (event === 'stdout-error') process.stdout.off('error', handler);
          else process.off(event, handler);
        }
      }
    })();
    return this.closing;
  }

  private on(event: string, handler: (...a: unknown[]) => void): void {
    process.on(event, handler);
    this.handlers.push([event, handler]);
  }
}
