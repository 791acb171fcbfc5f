import { CliError } from './errors.js';

// Numbers given as option values (--lines 20, --interval 0.5), checked the same way everywhere.

export interface CountRange {
  min?: number;
  max?: number;
}

/** A whole number from an option, `fallback` when absent; from 1 to 1,000,000 unless told. */
export function parseCount(text: string | undefined, fallback: number, name: string, { min = 1, max = 1_000_000 }: CountRange = {}): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new CliError('usage', `${name} must be a whole number from ${min} to ${max}: '${text}'`);
  return n;
}

/** A positive number of seconds from an option (e.g. --interval 0.5), at most `max`. */
export function parseSeconds(text: string | undefined, fallback: number, name: string, max = 3600): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(v > 0) || v > max) throw new CliError('usage', `${name} must be a number of seconds between 0 and ${max}: '${text}'`);
  return v;
}
