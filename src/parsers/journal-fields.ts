// journalctl -o json, kept as the raw fields of each entry (the boot analysis needs UNIT,
// MESSAGE_ID, _BOOT_ID, the *_USEC fields and the monotonic timestamps).

export type JournalRecord = Readonly<Record<string, string>>;

/** One record per line; a binary field (an array of bytes) becomes UTF-8 text; other values are skipped. */
export function parseJournalRecords(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const raw = JSON.parse(line) as Record<string, unknown>;
    const rec: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === 'string') rec[k] = v;
      else if (Array.isArray(v) && v.every((b) => typeof b === 'number')) rec[k] = Buffer.from(v as number[]).toString('utf8');
    }
    out.push(rec);
  }
  return out;
}
