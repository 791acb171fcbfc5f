// Crontab text (crontab(5)): user crontabs (no user field) and system crontabs
// (/etc/crontab, /etc/cron.d/*, with a user field after the schedule). Text in, lines out.

import { splitLines } from './account-lines.js';

export type CronLine =
  | { kind: 'job'; line: number; text: string; schedule: string; user: string | null; command: string }
  | { kind: 'env'; line: number; text: string; name: string; value: string }
  | { kind: 'comment' | 'blank'; line: number; text: string }
  /** A line cron would reject (reported, never rewritten). */
  | { kind: 'invalid'; line: number; text: string; error: string };

export const SPECIAL_SCHEDULES = ['@reboot', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: null },
  { name: 'hour', min: 0, max: 23, names: null },
  { name: 'day-of-month', min: 1, max: 31, names: null },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too, as 0 is.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

type Field = (typeof FIELDS)[number];

/** One value of a field: a number in range or a three-letter name; an error sentence otherwise. */
function fieldValue(f: Field, raw: string): number | string {
  const named = f.names?.indexOf(raw.toLowerCase() as never) ?? -1;
  if (named >= 0) return f.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(raw)) return f.names ? `'${raw}' is neither a number nor a name (${f.names[0]}-${f.names[f.names.length - 1]})` : `'${raw}' is not a number`;
  const n = Number(raw);
  return n < f.min || n > f.max ? `${raw} is out of range ${f.min}-${f.max}` : n;
}

/** Why one list item (`*`, `N`, `A-B`, `*\/S`, `A-B/S`) is wrong, or null. */
function itemError(f: Field, item: string): string | null {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `'${item}' has two steps`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) return `step '${step}' in '${item}' is not a positive number`;
    if (Number(step) > f.max - f.min + 1) return `step ${step} in '${item}' is larger than the range ${f.min}-${f.max}`;
  }
  if (range === '*') return null;
  const [a = '', b, more] = range.split('-');
  if (more !== undefined) return `'${range}' is not a range A-B`;
  const lo = fieldValue(f, a);
  if (typeof lo === 'string') return lo;
  if (b === undefined) return step !== undefined ? `a step needs a range or '*' ('${a}-${f.max}/${step}', not '${item}')` : null;
  const hi = fieldValue(f, b);
  if (typeof hi === 'string') return hi;
  return lo > hi ? `range '${range}' goes backwards` : null;
}

/** Why a schedule ("0 2 * * *", "@daily") is wrong: one sentence naming the field, or null. */
export function scheduleError(schedule: string): string | null {
  const s = schedule.trim();
  if (s.startsWith('@')) return (SPECIAL_SCHEDULES as readonly string[]).includes(s.toLowerCase()) ? null : `'${s}' is not one of ${SPECIAL_SCHEDULES.join(' ')}`;
  const parts = s.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) return `a schedule has five fields (minute hour day-of-month month day-of-week) or is one of ${SPECIAL_SCHEDULES.join(' ')}; '${s}' has ${parts.length}`;
  for (const [i, f] of FIELDS.entries()) {
    for (const item of parts[i]!.split(',')) {
      const err = item === '' ? `'${parts[i]}' has an empty list item` : itemError(f, item);
      if (err) return `${f.name} field '${parts[i]}': ${err}`;
    }
  }
  return null;
}

/** The schedule as one normalised string: fields single-space separated, specials lower case. */
export function normaliseSchedule(schedule: string): string {
  const s = schedule.trim();
  return s.startsWith('@') ? s.toLowerCase() : s.split(/\s+/).join(' ');
}

const ENV = /^([A-Za-z_][^\s=]*)\s*=\s*(.*)$/;

/** `words` leading whitespace-separated words of `text`, and the rest as written. */
function leadingWords(text: string, words: number): { words: string[]; rest: string } | null {
  const out: string[] = [];
  let rest = text.trimStart();
  for (let i = 0; i < words; i++) {
    const m = /^(\S+)\s+/.exec(rest);
    if (!m) return null;
    out.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return { words: out, rest };
}

function parseJob(text: string, line: number, system: boolean): CronLine {
  const trimmed = text.trim();
  const n = (trimmed.startsWith('@') ? 1 : 5) + (system ? 1 : 0);
  const w = leadingWords(trimmed, n);
  if (!w || w.rest.trim() === '') return { kind: 'invalid', line, text, error: system ? 'no user and command after the schedule' : 'no command after the schedule' };
  const schedule = w.words.slice(0, trimmed.startsWith('@') ? 1 : 5).join(' ');
  const err = scheduleError(schedule);
  if (err) return { kind: 'invalid', line, text, error: err };
  return { kind: 'job', line, text, schedule, user: system ? w.words[n - 1]! : null, command: w.rest.trimEnd() };
}

/** Every line of a crontab; `system` for /etc/crontab and /etc/cron.d files (user field). */
export function parseCrontab(text: string, system: boolean): CronLine[] {
  return splitLines(text).map((t, i) => {
    const line = i + 1;
    const trimmed = t.trim();
    if (trimmed === '') return { kind: 'blank', line, text: t };
    if (trimmed.startsWith('#')) return { kind: 'comment', line, text: t };
    if (/^[\d*@]/.test(trimmed)) return parseJob(t, line, system);
    const env = ENV.exec(trimmed);
    if (env) return { kind: 'env', line, text: t, name: env[1]!, value: env[2]!.replace(/^(["'])(.*)\1$/, '$2') };
    return { kind: 'invalid', line, text: t, error: 'neither a job, an environment setting nor a comment' };
  });
}

/**
 * A command as crontab(5) should hold it: an unescaped % would end the command (the rest
 * becomes its stdin), so each one is escaped as \%; a % already escaped is kept.
 */
export function escapePercent(command: string): string {
  return command.replace(/(\\*)%/g, (m, slashes: string) => (slashes.length % 2 === 1 ? m : `${slashes}\\%`));
}
