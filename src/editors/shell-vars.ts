// Shell-style `KEY=value` files: /etc/default/locale, /etc/locale.conf, /etc/sysconfig/network,
// /etc/selinux/config, /etc/os-release-like files. Pure functions: text in, text out.
// Comments, blank lines, odd spacing, `export`, quoting and trailing comments on other lines are
// kept byte for byte; only the value of the assignment being changed is rewritten.

export type Quote = '"' | "'" | '';

export interface ShellAssignment {
  /** 0-based line number. */
  line: number;
  key: string;
  /** The value after quote removal and escape processing. */
  value: string;
  /** The quoting the value starts with ('' for a bare word). */
  quote: Quote;
  exported: boolean;
  /** Where the raw value sits in the line: [start, end). */
  start: number;
  end: number;
}

const ASSIGN = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/;

/** Parse the value that starts at `pos` of `line`: a shell word (quotes may be concatenated). */
function parseWord(line: string, pos: number): { value: string; end: number; quote: Quote } | null {
  let value = '';
  let i = pos;
  const first = line[pos];
  const quote: Quote = first === '"' || first === "'" ? first : '';
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) break;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return null; // multi-line value: not ours to parse
      value += line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          value += line[i + 1];
          i += 2;
        } else if (d === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed) return null;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return null; // line continuation
      value += line[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return { value, end: i, quote };
}

export function parseShellVars(text: string): ShellAssignment[] {
  const out: ShellAssignment[] = [];
  text.split('\n').forEach((line, n) => {
    const m = ASSIGN.exec(line);
    if (!m) return;
    const start = m[0].length;
    const w = parseWord(line, start);
    if (!w) return;
    out.push({ line: n, key: m[3]!, value: w.value, quote: w.quote, exported: m[2] !== undefined, start, end: w.end });
  });
  return out;
}

/** Every variable with its effective value (a later assignment wins, as when the file is sourced). */
export function shellVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const a of parseShellVars(text)) vars[a.key] = a.value;
  return vars;
}

export function getShellVar(text: string, key: string): string | undefined {
  return shellVars(text)[key];
}

/** A bare word the shell (and pam_env, systemd, libselinux) reads back unchanged. */
export function isBareWord(value: string): boolean {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value);
}

export function quoteShellValue(value: string, quote: Quote = ''): string {
  if (value.includes('\n')) throw new Error('a value cannot span lines');
  if (quote === '' && (value === '' || isBareWord(value))) return value;
  if (quote === "'" && !value.includes("'")) return `'${value}'`;
  return `"${value.replace(/[\\"$`]/g, '\\$&')}"`;
}

export interface SetShellVarOptions {
  /** 'keep' (default): the quoting the line had; 'none': always a bare word (libselinux does not strip quotes). */
  quote?: 'keep' | 'none';
}

/**
 * Set KEY to `value`: every active assignment of KEY gets the new value (so no later line
 * overrides it), keeping its indentation, `export`, quoting style and trailing comment.
 * Without one, `KEY=value` is appended. `text` null: the file does not exist yet.
 */
export function setShellVar(text: string | null, key: string, value: string, opts: SetShellVarOptions = {}): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a variable name: ${key}`);
  if (opts.quote === 'none' && !isBareWord(value)) throw new Error(`not a bare word: ${value}`);
  if (text === null || text === '') return `${key}=${quoteShellValue(value)}\n`;
  const lines = text.split('\n');
  const found = parseShellVars(text).filter((a) => a.key === key);
  for (const a of found) {
    const line = lines[a.line]!;
    const raw = opts.quote === 'none' ? value : quoteShellValue(value, a.quote);
    lines[a.line] = line.slice(0, a.start) + raw + line.slice(a.end);
  }
  if (found.length > 0) return lines.join('\n');
  const sep = text.endsWith('\n') ? '' : '\n';
  return `${text}${sep}${key}=${opts.quote === 'none' ? value : quoteShellValue(value)}\n`;
}
