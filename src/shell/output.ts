import { Chalk, type ChalkInstance } from 'chalk';
import { escapeForTerminal } from './escape.js';
import { Progress, type ProgressReporter, type ProgressTotal } from './progress.js';
import { Terminal, type TerminalStreams } from './terminal.js';

// All command output goes through here: human text on stdout, notes and errors on stderr,
// and with --json exactly one JSON value on stdout (human text is dropped).
// Table cells, notes and errors are escaped here (src/shell/escape.ts), so guest text in them
// never reaches the terminal raw; free text built by a command escapes its guest parts itself.

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; rows?: number; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadStream;
}

export type { ProgressReporter };

export class Output {
  readonly color: ChalkInstance;
  /** The terminal itself, for the few commands that draw on it or hand it to a program. */
  readonly terminal: Terminal;

  constructor(
    readonly json: boolean,
    useColor: boolean,
    private readonly streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  ) {
    this.color = new Chalk({ level: useColor ? 1 : 0 });
    const terminal: TerminalStreams = { stdout: streams.stdout, stdin: streams.stdin };
    this.terminal = new Terminal(terminal, json);
  }

  /** Human output goes to a terminal (not a pipe, not --json). */
  get isTTY(): boolean {
    return !this.json && this.streams.stdout.isTTY === true;
  }

  /** The same output with stdout going into a pipe (no colour: a pipe is not a terminal). */
  pipedTo(stdout: NodeJS.WritableStream): Output {
    return new Output(this.json, false, { stdout, stderr: this.streams.stderr });
  }

  write(text: string | Buffer): void {
    if (!this.json) this.streams.stdout.write(text);
  }

  line(text = ''): void {
    this.write(text + '\n');
  }

  /** Something worth knowing that is not the command's result (always stderr). */
  note(text: string): void {
    this.streams.stderr.write(`${this.color.yellow('note:')} ${escapeForTerminal(text)}\n`);
  }

  /** Text that belongs on stderr as it is (a program's own stderr, a timing line); never escaped. */
  stderr(text: string | Buffer): void {
    this.streams.stderr.write(text);
  }

  error(text: string): void {
    this.streams.stderr.write(`${this.color.red('error:')} ${escapeForTerminal(text)}\n`);
  }

  /**
   * Progress of long work (a transfer, an install) on stderr: a percentage for a known total,
   * a spinner otherwise; nothing at all in scripts or with --json. Call end() when done.
   */
  progress(label: string, total?: ProgressTotal): ProgressReporter {
    const shown = !this.json && this.streams.stderr.isTTY === true;
    return new Progress(shown ? this.streams.stderr : null, escapeForTerminal(label), total);
  }

  printJson(value: unknown): void {
    this.streams.stdout.write(JSON.stringify(value ?? null, null, 2) + '\n');
  }

  /** One compact JSON value on one line: a stream of samples (`metrics --watch --json`) is one line each. */
  jsonLine(value: unknown): void {
    this.streams.stdout.write(JSON.stringify(value ?? null) + '\n');
  }

  table(columns: string[], rows: (string | number | null | undefined)[][], opts: { rightAlign?: number[] } = {}): void {
    const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : escapeForTerminal(String(c)))));
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
    const fmt = (r: string[]) =>
      r
        .map((c, i) => (opts.rightAlign?.includes(i) ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    this.line(this.color.bold(fmt(columns)));
    for (const r of cells) this.line(fmt(r));
  }
}
