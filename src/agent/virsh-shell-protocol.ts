// The text protocol of one long-lived `virsh` interactive shell (pure, so it can be tested
// against recorded output). Requests go to virsh's STANDARD INPUT, never its argv: each is
// one line `qemu-agent-command --domain 'D' --timeout N --cmd 'JSON'` followed by two
// `echo` commands whose output marks the end of the reply on stdout and of the errors
// on stderr. What virsh really prints (readline echoes every input line after the prompt,
// a long one shortened to `\r<…tail`; `echo` prints no newline; `echo --err` prints
// `error: TEXT\n`):
//
//   stdout: virsh # qemu-agent-command --domain 'd' … --cmd '{…}'\n{"return":{}}\nvirsh # echo G''TAG\nGTAG
//   stderr: error: failed to get domain 'd'\nerror: HTAG\n
//
// The markers are written split by '' so the echoed input line never contains the marker
// itself, and they carry a random session tag the guest cannot know, so nothing in a
// reply can end it early.

export const VIRSH_PROMPT = 'virsh # ';

/** A word for virsh's own parser: single quotes, like sh (a quote is written '\''). */
export function virshQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * JSON with only printable ASCII: readline under LC_ALL=C takes bytes ≥ 0x80 as meta keys
 * and DEL as rubout. JSON.stringify already escapes the control characters.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface VirshMarkers {
  /** What `echo` prints on stdout at the end of the request. */
  out: string;
  /** The stderr line of `echo --err` at the end of the request. */
  err: string;
  /** The echo of the stdout marker command (the last input line before `out`). */
  outEcho: string;
}

export function markers(tag: string): VirshMarkers {
  return { out: `G${tag}`, err: `error: H${tag}\n`, outEcho: `${VIRSH_PROMPT}echo G''${tag}\n` };
}

/** The input lines of one request. */
export function requestText(domain: string, json: string, timeoutS: number, tag: string): string {
  return (
    `qemu-agent-command --domain ${virshQuote(domain)} --timeout ${timeoutS} --cmd ${virshQuote(json)}\n` +
    `echo G''${tag}\n` +
    `echo --err H''${tag}\n`
  );
}

/**
 * The stdout of one request when its marker arrived: the command's own output (the lines
 * that are not readline's echo of an input line) and what follows the marker. Null: not
 * complete yet.
 */
export function takeStdout(buf: string, m: VirshMarkers): { output: string; rest: string } | null {
  const at = buf.indexOf(m.out);
  if (at < 0) return null;
  let seg = buf.slice(0, at);
  if (seg.endsWith(m.outEcho)) seg = seg.slice(0, -m.outEcho.length);
  const output = seg
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(VIRSH_PROMPT))
    .join('\n');
  return { output, rest: buf.slice(at + m.out.length) };
}

/** The stderr of one request (its `error: …` lines) when its marker arrived, else null. */
export function takeStderr(buf: string, m: VirshMarkers): { errors: string; rest: string } | null {
  const at = buf.indexOf(m.err);
  if (at < 0) return null;
  return { errors: buf.slice(0, at), rest: buf.slice(at + m.err.length) };
}
