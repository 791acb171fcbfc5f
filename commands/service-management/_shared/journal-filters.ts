import { CliError } from '../../../src/util/errors.js';

// The journalctl filters `logs` takes, checked before they reach the guest's journalctl.

const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** --priority: a syslog level name or its number 0-7 → the number. */
export function priorityArg(text: string): number {
  const n = /^[0-7]$/.test(text) ? Number(text) : PRIORITIES.indexOf(text.toLowerCase());
  if (n < 0) throw new CliError('usage', `--priority must be one of ${PRIORITIES.join(', ')} or 0-7: '${text}'`);
  return n;
}

/** --boot: journalctl -b's offset (0 the last boot, -1 the one before, 1 the first). */
export function bootArg(text: string): number {
  if (!/^[-+]?\d{1,6}$/.test(text)) throw new CliError('usage', `--boot must be a whole number (0 the last boot, -1 the one before): '${text}'`);
  return Number(text);
}

/** --since: a time journalctl understands ("2024-05-01 10:00", "yesterday", "-1h"), passed on as one argument. */
export function sinceArg(text: string): string {
  if (!/^[A-Za-z0-9 :.+-]{1,64}$/.test(text)) throw new CliError('usage', `--since takes a time like '2024-05-01 10:00', 'yesterday' or '-1h': '${text}'`);
  return text;
}
