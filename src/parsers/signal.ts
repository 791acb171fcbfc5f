import { CliError } from '../util/errors.js';

// Signals by the names and numbers Linux uses on x86 and arm (the same for these).
const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

/** 'TERM', 'sigterm', '-9', '15' → the signal name (without SIG); throws on anything else. */
export function parseSignal(text: string): string {
  const t = text.trim().replace(/^-/, '').toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(t)) {
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === Number(t));
    if (name) return name;
  } else if (SIGNALS[t] !== undefined) return t;
  throw new CliError('usage', `unknown signal '${text}' (e.g. TERM, KILL, HUP, INT, USR1, or a number 1-31)`);
}
