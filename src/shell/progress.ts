// A one-line progress display on stderr, redrawn in place with \r: a percentage when the total
// is known, else a spinner that turns on its own until end(). Without a stream (a pipe, --json)
// every call does nothing, so commands report progress without asking where they run.

import { escapeForTerminal } from './escape.js';

export interface ProgressReporter {
  /** How much is done so far, in the unit of the total (ignored by a spinner). */
  update(done: number): void;
  /** A spinner only: show what the work is doing now (one line of its output) after the label. */
  status(text: string): void;
  /** Clears the line (and stops a spinner); call it on every way out, success or failure. */
  end(): void;
}

export interface ProgressTotal {
  amount: number;
  /** The total as people read it (e.g. "1.2 GiB"). */
  text: string;
}

const SPINNER = ['|', '/', '-', '\\'];
const SPIN_MS = 120;

export class Progress implements ProgressReporter {
  private shown = '';
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;
  private statusText = '';

  constructor(
    private readonly stream: NodeJS.WritableStream | null,
    private readonly label: string,
    private readonly total?: ProgressTotal,
  ) {
    if (!stream || total) return;
    this.spin();
    this.timer = setInterval(() => {
      this.frame++;
      this.spin();
    }, SPIN_MS);
    this.timer.unref();
  }

  status(text: string): void {
    if (!this.timer) return;
    // Guest text: control characters never reach the terminal.
    this.statusText = escapeForTerminal(text.trim());
    this.spin();
  }

  private spin(): void {
    const line = `${this.label} ${SPINNER[this.frame % SPINNER.length]}${this.statusText ? ` ${this.statusText}` : ''}`;
    // One terminal row, or the \r redraw would leave wrapped pieces behind (a pty of unknown size says 0).
    const width = (this.stream as { columns?: number }).columns || 80;
    this.draw(line.length >= width ? `${line.slice(0, width - 2)}…` : line);
  }

  update(done: number): void {
    if (!this.stream || !this.total || this.total.amount <= 0) return;
    const pct = Math.min(100, Math.floor((done * 100) / this.total.amount));
    this.draw(`${this.label}: ${pct}% of ${this.total.text}`);
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.stream || !this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = '';
  }

  private draw(text: string): void {
    if (text === this.shown) return;
    this.shown = text;
    this.stream!.write(`\r${text}`);
  }
}
