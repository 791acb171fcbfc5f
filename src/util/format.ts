// Numbers as people read them: byte amounts, durations and permission modes.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes in binary units, one decimal from KiB on: 512 B, 1.5 KiB, 960.7 MiB. The unit moves up
 * while the rounded figure would read 1024.0 or more (1 GiB - 1 KiB is "1.0 GiB").
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  let v = n;
  let i = 0;
  while (i < BYTE_UNITS.length - 1 && Math.round(v * 10) / 10 >= 1024) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${BYTE_UNITS[i]}`;
}

/** Permission bits as chmod and stat -c %a write them, at least four digits: 0755, 0600, 4755, 2750. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 1d 23h 18m 39s (leading zero units left out; seconds only under an hour unless asked). */
export function formatDuration(totalSeconds: number, withSeconds = true): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (d || h) parts.push(`${h}h`);
  if (d || h || m) parts.push(`${m}m`);
  if (withSeconds || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}
