// `rpm -Va` output: "SM5DLUGTP  c /path" (a dot where the attribute matches, ? where it could
// not be checked), or "missing   c /path". The attribute flags are in rpm(8), VERIFY OPTIONS.

export interface RpmVerifyLine {
  path: string;
  /** The 9 attribute characters, or 'missing'. */
  flags: string;
  /** The file attribute marker: c config, d doc, g ghost, l license, r readme, or ''. */
  fileClass: string;
  missing: boolean;
  digestChanged: boolean;
}

const LINE = /^(missing|[SM5DLUGTP.?]{8,9})\s+([cdglr]?)\s*(\/.*)$/;

export function parseRpmVerify(text: string): { lines: RpmVerifyLine[]; other: string[] } {
  const lines: RpmVerifyLine[] = [];
  const other: string[] = [];
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    const m = LINE.exec(l);
    if (!m) {
      other.push(l);
      continue;
    }
    const flags = m[1]!;
    lines.push({ path: m[3]!, flags, fileClass: m[2]!, missing: flags === 'missing', digestChanged: flags.includes('5') });
  }
  return { lines, other };
}
