// A one-line progress display on stderr, redrawn in place with \r: a percentage when the total
// is known, else a spinner that turns on its own until end(). Without a stream (a pipe, --json)
// every call does nothing, so commands report progress without asking where they run.

export interface ProgressReporter {
  /** How much is done so far, in the unit of the total (ignored by a spinner). */
  update(done: number): void;
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

  constructor(
    private readonly stream: NodeJS.WritableStream | null,
    private readonly label: string,
    private readonly total?: ProgressTotal,
  ) {
    if (!stream || total) return;
    let frame = 0;
    this.draw(`${label} ${SPINNER[0]}`);
    this.timer = setInterval(() => this.draw(`${label} ${SPINNER[++frame % SPINNER.length]}`), SPIN_MS);
    this.timer.unref();
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
