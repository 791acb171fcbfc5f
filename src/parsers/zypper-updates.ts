// zypper's tables (`zypper list-updates`, `zypper list-patches`): a header row, a rule of
// dashes and pluses, then rows of cells separated by " | ".

/** Rows as objects keyed by the header's cell names. */
export function parseZypperTable(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const rule = lines.findIndex((l) => /^-+(\+-+)+\s*$/.test(l));
  if (rule < 1) return [];
  const header = cells(lines[rule - 1]!);
  return lines
    .slice(rule + 1)
    .filter((l) => l.includes('|'))
    .map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i] ?? `${i}`, c])));
}

function cells(line: string): string[] {
  return line.split('|').map((c) => c.trim());
}
