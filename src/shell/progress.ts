// A one-line progress display on stderr, redrawn in place with \r. Without a stream (a pipe,
// --json) every call does nothing, so commands report progress without asking where they run.

export interface ProgressReporter {
  /** How much is done so far (same unit as the total). */
  update(done: number): void;
  /** Clears the line; call it on every way out, success or failure. */
  end(): void;
}

const SPINNER = ['|', '/', '-', '\\'];
const SPIN_MS = 100;

export class Progress implements ProgressReporter {
  private shown = '';
  private frame = 0;
  private lastSpin = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream | null,
    private readonly label: string,
    private readonly total?: { amount: number; text: string },
  ) {}

  update(done: number): void {
    if (!this.stream) return;
    let text: string;
    if (this.total && this.total.amount > 0) {
      const pct = Math.min(100, Math.floor((done * 100) / this.total.amount));
      text = `${this.label}: ${pct}% of ${this.total.text}`;
    } else {
      const now = Date.now();
      if (now - this.lastSpin < SPIN_MS && this.shown) return;
      this.lastSpin = now;
      text = `${this.label} ${SPINNER[this.frame++ % SPINNER.length]}`;
    }
    if (text === this.shown) return;
    this.shown = text;
    this.stream.write(`\r${text}`);
  }

  end(): void {
    if (!this.stream || !this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = '';
  }
}
