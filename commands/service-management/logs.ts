import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseJournalJson, type LogEntry } from '../../src/parsers/journal.js';
import { syslogFileTail } from './_shared/syslog-file-tail.js';
import { findLogSource, NEVER_BOOTED } from '../../src/journal/source.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, requireSystemd } from '../../src/live/guest-run.js';
import { parseCount } from '../../src/util/option-values.js';
import { unitArg } from './_shared/unit-arg.js';
import { bootArg, priorityArg, sinceArg } from './_shared/journal-filters.js';

const DESCRIPTION =
  "On a running guest: its journalctl through the agent. On a disk image: the persistent journal in /var/log/journal, read by the guest's own journalctl " +
  "in the sandbox (or by the host's journalctl on the guest's files when the guest has none); a guest without a journal: the lines of /var/log/syslog " +
  'or /var/log/messages logged by the unit\'s program or naming the unit (--boot, --since and --priority need the journal). An image that has never booted says so.';

export const logs = defineCommand({
  name: 'logs',
  category: 'service-management',
  summary: "The last journal lines of the guest (or of one unit), as the guest's journalctl shows them",
  description: DESCRIPTION,
  examples: ['logs ssh', 'logs nginx -n 100', 'logs -n 20 --priority err', 'logs ssh --boot=-1', "logs cron --since '2024-05-01 10:00'"],
  positionals: [{ name: 'UNIT', optional: true, complete: 'none', description: 'a systemd unit (or pattern) in the guest; all units when left out' }],
  options: {
    lines: { type: 'string', short: 'n', valueName: 'N', description: 'how many lines (default 50)' },
    boot: { type: 'string', short: 'b', valueName: 'N', description: 'only this boot: 0 the last one, -1 the one before (journalctl -b; write --boot=-1)' },
    since: { type: 'string', valueName: 'TIME', description: "only entries from TIME on ('2024-05-01 10:00', 'yesterday', '-1h')" },
    priority: { type: 'string', short: 'p', valueName: 'P', description: 'only this level and more urgent: emerg..debug or 0-7' },
  },
  needs: ['exec'],
  async run(ctx, args): Promise<string | LogEntry[]> {
    requireSystemd(ctx, 'logs');
    const unitText = args.optStr('UNIT');
    const unit = unitText === undefined ? null : unitArg(unitText);
    const n = parseCount(args.optStr('lines'), 50, '-n', { max: 100_000 });
    const boot = args.optStr('boot');
    const since = args.optStr('since');
    const priority = args.optStr('priority');
    const filters = [
      ...(unit ? ['-u', unit] : []),
      '-n', String(n),
      ...(boot !== undefined ? ['-b', String(bootArg(boot))] : []),
      ...(since !== undefined ? [`--since=${sinceArg(since)}`] : []),
      ...(priority !== undefined ? ['-p', String(priorityArg(priority))] : []),
    ];
    const src = await findLogSource(ctx.guest);
    if (src.kind === 'none') throw new CliError('not-found', NEVER_BOOTED);
    if (src.kind === 'syslog') {
      if (boot !== undefined || since !== undefined || priority !== undefined)
        throw new CliError('unsupported', `--boot, --since and --priority need the systemd journal, and the guest only keeps ${src.path}`);
      ctx.out.note(`no journal in the guest: lines from ${src.path}`);
      const lines = await syslogFileTail(ctx.guest, src.path, unit, n, ctx.signal);
      return ctx.json ? lines.map((message) => ({ time: null, unit, identifier: null, pid: null, priority: null, message })) : lines.map((l) => `${l}\n`).join('');
    }
    const r = await src.journalctl(ctx.json ? [...filters, '-o', 'json'] : filters, ctx.signal);
    failIfError(r, 'journalctl');
    // People read journalctl's own format; --json gets its entries as data.
    return ctx.json ? parseJournalJson(r.stdout) : r.stdout;
  },
  render(text: string | LogEntry[], out: Output) {
    out.write(escapeLinesForTerminal(typeof text === 'string' ? text : text.map((e) => `${e.message}\n`).join('')));
  },
});
