import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { filterPs, parsePs, PS_ARGV, withoutSelf, type PsRow } from '../../src/parsers/ps.js';
import { failIfError, guestRun } from '../../src/live/guest-run.js';
import { formatBytes, formatDuration } from '../../src/util/format.js';

export const ps = defineCommand({
  name: 'ps',
  category: 'process-management',
  summary: "List the guest's processes (optionally those matching FILTER)",
  description: [
    "Runs the guest's own ps (procps) and lists every process of the GUEST, never the host's.",
    'FILTER is a PID, a user name, or a case-insensitive part of the program name or command line.',
    '%CPU is averaged over each process lifetime, as ps shows it; `top` measures current use.',
  ].join('\n'),
  examples: ['ps', 'ps sshd', 'ps postgres', 'ps 1'],
  positionals: [{ name: 'FILTER', optional: true, complete: 'none', description: 'PID, user, or part of the command' }],
  needs: ['live', 'exec'],
  async run(ctx, args): Promise<PsRow[]> {
    const r = await guestRun(ctx, PS_ARGV);
    failIfError(r, 'ps');
    const rows = filterPs(withoutSelf(parsePs(r.stdout)), args.optStr('FILTER'));
    if (rows.length === 0 && args.optStr('FILTER')) ctx.setExitCode(1);
    return rows;
  },
  render(rows: PsRow[], out: Output) {
    if (rows.length === 0) {
      out.line('no matching process');
      return;
    }
    out.table(
      ['PID', 'PPID', 'USER', '%CPU', '%MEM', 'RSS', 'ELAPSED', 'STAT', 'COMMAND'],
      rows.map((p) => [p.pid, p.ppid, p.user, p.cpu.toFixed(1), p.mem.toFixed(1), formatBytes(p.rss), formatDuration(p.elapsed), p.stat, p.command]),
      { rightAlign: [0, 1, 3, 4, 5] },
    );
  },
});
