import { formatBytes, formatDuration } from '../util/format.js';

// Human formatting of what libvirt reports: memory in KiB, CPU time in nanoseconds.

/** 800 → "800 KiB", 524288 → "512.0 MiB", 1572864 → "1.5 GiB" (one decimal from MiB on). */
export function formatKiB(kib: number): string {
  if (!Number.isFinite(kib) || kib < 0) return '-';
  if (kib < 1024) return `${Math.round(kib)} KiB`;
  return formatBytes(kib * 1024);
}

/**
 * CPU time as days, hours, minutes and seconds, leading zero units dropped:
 * 170319e9 ns → "1d 23h 18m 39s", 1119e9 → "18m 39s", 39e9 → "39s", 0 → "0s".
 */
export function formatCpuTime(ns: number): string {
  if (!Number.isFinite(ns) || ns < 0) return '-';
  return formatDuration(ns / 1e9);
}
