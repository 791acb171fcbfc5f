import type { Guest } from '../../../src/guest/types.js';
import { syslogFilter, syslogTail } from '../../../src/parsers/syslog-lines.js';

// The last lines of a guest's syslog file about one unit. Read piece by piece where the
// backend can, keeping only the last n matching lines, so a syslog of many GiB (a hostile
// or just long-lived guest) never has to fit in memory.

export async function syslogFileTail(guest: Guest, path: string, unit: string | null, n: number, signal: AbortSignal): Promise<string[]> {
  if (!guest.fs.openReader) return syslogTail((await guest.fs.readFile(path)).toString('utf8'), unit, n);
  const keep = syslogFilter(unit);
  const kept: string[] = [];
  const reader = await guest.fs.openReader(path);
  try {
    let partial = '';
    const take = (line: string) => {
      if (line.length === 0 || !keep(line)) return;
      kept.push(line);
      if (kept.length > n) kept.shift();
    };
    for await (const chunk of reader.chunks(signal)) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(take);
    }
    take(partial);
  } finally {
    await reader.close();
  }
  return kept;
}
