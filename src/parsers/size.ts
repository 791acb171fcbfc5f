// Sizes as people type them (10M, 1.5GiB, 4096) and as ls -lh / du -h print them.
// K, M, G, T, P, E and KiB, MiB ... are powers of 1024; KB, MB ... are powers of 1000 as
// in GNU coreutils; B or no suffix means bytes.

export interface SizeFilter {
  op: '>' | '<' | '=';
  bytes: number;
}

const UNITS = ['K', 'M', 'G', 'T', 'P', 'E'];
const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([KMGTPE])(iB|B)?|(B))?$/i;

/** Bytes for a size like '10M', '1.5GiB', '100KB', '512'; throws "invalid size: 'x'". */
export function parseSize(text: string): number {
  const invalid = (): Error => new Error(`invalid size: '${text}'`);
  const m = SIZE.exec(text.trim());
  if (!m) throw invalid();
  const [, num, unit, suffix] = m as unknown as [string, string, string | undefined, string | undefined];
  let multiplier = 1;
  if (unit) {
    const power = UNITS.indexOf(unit.toUpperCase()) + 1;
    multiplier = (suffix?.toUpperCase() === 'B' ? 1000 : 1024) ** power;
  } else if (num.includes('.')) {
    throw invalid(); // fractional bytes
  }
  const bytes = Math.round(Number(num) * multiplier);
  if (!Number.isSafeInteger(bytes)) throw invalid();
  return bytes;
}

/** find(1)-style size test: '+1M' (more than), '-10k' (less than), '4096' (exactly). */
export function parseSizeFilter(text: string): SizeFilter {
  const t = text.trim();
  const op = t.startsWith('+') ? '>' : t.startsWith('-') ? '<' : '=';
  try {
    return { op, bytes: parseSize(op === '=' ? t : t.slice(1)) };
  } catch {
    throw new Error(`invalid size: '${text}'`);
  }
}

export function matchesSizeFilter(filter: SizeFilter, size: number): boolean {
  if (filter.op === '>') return size > filter.bytes;
  if (filter.op === '<') return size < filter.bytes;
  return size === filter.bytes;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/**
 * Human size like ls -lh and du -h: '512', '1.0K', '1.5M', '10K', '3.0G'. One decimal below
 * 10, whole numbers above, always rounded up (so a non-empty file never shows as 0).
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) throw new Error(`invalid size: '${bytes}'`);
  if (bytes < 0) return `-${formatSize(-bytes)}`;
  const n = BigInt(Math.ceil(bytes));
  if (n < 1024n) return String(n);
  for (let k = 0; k < UNITS.length; k++) {
    const unit = 1024n ** BigInt(k + 1);
    const tenths = ceilDiv(n * 10n, unit);
    if (tenths < 100n) return `${tenths / 10n}.${tenths % 10n}${UNITS[k]}`;
    const whole = ceilDiv(n, unit);
    if (whole < 1024n || k === UNITS.length - 1) return `${whole}${UNITS[k]}`;
  }
  return String(n); // not reached
}
