// /etc/subuid and /etc/subgid (owner:start:count): the subordinate ID ranges useradd gives
// new regular users for rootless containers, and userdel takes back.

import { otherLineKind, splitLines } from './passwd.js';

export interface SubidRange {
  owner: string;
  start: number;
  count: number;
  line: number;
}

export function parseSubid(text: string): SubidRange[] {
  const ranges: SubidRange[] = [];
  splitLines(text).forEach((raw, i) => {
    if (otherLineKind(raw) !== null) return;
    const f = raw.replace(/\r$/, '').split(':');
    if (f.length !== 3 || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!)) return;
    ranges.push({ owner: f[0]!, start: Number(f[1]), count: Number(f[2]), line: i + 1 });
  });
  return ranges;
}

/**
 * The lowest start of `count` free IDs within [min, max], as shadow-utils'
 * find_free_range() picks it (holes between existing ranges count); null when none.
 */
export function findFreeRange(ranges: SubidRange[], min: number, max: number, count: number): number | null {
  if (count <= 0 || max < min) return null;
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.owner.localeCompare(b.owner));
  let low = min;
  for (const r of sorted) {
    const last = r.start + r.count - 1;
    const high = Math.min(r.start, max + 1);
    if (high > low && high - low >= count) return low;
    if (low < last + 1) low = last + 1;
    if (low > max) return null;
  }
  return max - low + 1 >= count ? low : null;
}

export function addSubidRange(text: string, owner: string, start: number, count: number): string {
  const line = `${owner}:${start}:${count}\n`;
  if (text === '' || text.endsWith('\n')) return text + line;
  return `${text}\n${line}`;
}

/** Remove every range owned by `owner` (userdel removes them all). */
export function removeSubidOwner(text: string, owner: string): string {
  const lines = text.split('\n');
  const kept = lines.filter((raw) => otherLineKind(raw) !== null || raw.replace(/\r$/, '').split(':')[0] !== owner || raw.split(':').length !== 3);
  return kept.length === lines.length ? text : kept.join('\n');
}
