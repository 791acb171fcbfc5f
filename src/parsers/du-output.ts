import { posix } from 'node:path';
import type { DiskUsage } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import { firstLine } from '../util/run-tool.js';

// du's "SIZE<TAB>PATH" records (GNU du -0: NUL-separated; busybox: one per line), with the
// paths du was given mapped back to guest paths, and the unreadable directories it named.

export interface DuOutput {
  code: number;
  stdout: string;
  stderr: string;
  /** Record separator: '\0' (GNU -0) or '\n'. */
  sep: string;
  /** Bytes per unit of the SIZE column (1 for -B1, 1024 for -k). */
  unit: number;
  /** The path du was run on, and the guest path it stands for. */
  hostStart: string;
  start: string;
}

export function parseDuOutput({ code, stdout, stderr, sep, unit, hostStart, start }: DuOutput): DiskUsage {
  const unreadable: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /cannot (?:read directory|access) '(.*)'/.exec(line) ?? /can't (?:open|read directory) '(.*)'/.exec(line);
    if (m?.[1]?.startsWith(hostStart)) unreadable.push(toGuest(m[1], hostStart, start));
  }
  if (code !== 0 && unreadable.length === 0) throw new CliError('failed', `du: ${firstLine(stderr) || `exit status ${code}`}`);
  const rows = stdout
    .split(sep)
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      const size = rec.slice(0, tab);
      if (tab < 1 || !/^\d+$/.test(size)) throw new CliError('failed', `du: unexpected output line: ${JSON.stringify(rec.slice(0, 80))}`);
      return { path: toGuest(rec.slice(tab + 1), hostStart, start), size: Number(size) * unit };
    });
  // du's own order is its traversal order; list sorted, the start last.
  rows.sort((a, b) => (a.path === start ? 1 : b.path === start ? -1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rows, unreadable };
}

function toGuest(host: string, hostStart: string, guestStart: string): string {
  const rest = host.slice(hostStart.length);
  return rest ? posix.join(guestStart, rest) : guestStart;
}
