// Adding and removing job lines of a crontab, keeping every other line as written.

import { splitLines } from '../parsers/account-lines.js';

/** The text with `job` as a new last line (the file created when `text` is null). */
export function appendCronJob(text: string | null, job: string): string {
  if (text === null || text === '') return `${job}\n`;
  return `${text.endsWith('\n') ? text : `${text}\n`}${job}\n`;
}

/** The text without the given 1-based lines. */
export function removeCronLines(text: string, lines: readonly number[]): string {
  const drop = new Set(lines);
  const kept = splitLines(text).filter((_, i) => !drop.has(i + 1));
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
