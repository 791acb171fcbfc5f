// A few lines a command redraws in place as new data arrives (`metrics --watch`): on a terminal
// the cursor goes back up over the previous drawing and each line is cleared and written again;
// when stdout is not a terminal each drawing is appended; with --json nothing is drawn (the
// command prints its JSON lines itself). Lines are cut to the terminal's width, so one line
// is one row and the cursor-up count stays right. Callers escape guest text in the lines.

const SGR = /^\x1b\[[0-9;]*m/;

/** `text` cut to `width` visible characters (colour sequences take no room and are kept). */
export function fitWidth(text: string, width: number): string {
  let out = '';
  let shown = 0;
  let cut = false;
  for (let i = 0; i < text.length; ) {
    const sgr = SGR.exec(text.slice(i));
    if (sgr) {
      out += sgr[0];
      i += sgr[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (shown >= width) {
      cut = true;
      i += ch.length;
      continue;
    }
    out += ch;
    shown++;
    i += ch.length;
  }
  return cut && /\x1b\[/.test(out) ? out + '\x1b[0m' : out;
}

export class LiveRegion {
  private drawn = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream | null,
    private readonly tty: boolean,
    private readonly width: () => number,
  ) {}

  draw(lines: readonly string[]): void {
    if (!this.stream) return;
    if (!this.tty) {
      this.stream.write(lines.map((l) => l + '\n').join(''));
      return;
    }
    // The last column is left free: a line that fills it would wrap on some terminals.
    const width = Math.max(1, this.width() - 1);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    const body = lines.map((l) => `\r\x1b[2K${fitWidth(l, width)}\n`).join('');
    const rest = lines.length < this.drawn ? '\x1b[J' : '';
    this.stream.write(up + body + rest);
    this.drawn = lines.length;
  }
}
