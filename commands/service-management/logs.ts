import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseShow, parseUnitList, type UnitRow } from '../../src/parsers/systemctl.js';
import { parseJournalJson } from '../../src/parsers/journal.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, guestRun, requireSystemd } from '../../src/live/guest-run.js';
import { parseCount } from '../../src/util/option-values.js';
import { unitArg } from './_shared/unit-arg.js';

export const logs = defineCommand({
  name: 'logs',
  category: 'service-management',
  summary: "The last journal lines of a guest unit (the guest's journalctl -u UNIT -n N)",
  examples: ['logs ssh', 'logs nginx -n 100', 'logs systemd-journald --lines 20'],
  positionals: [{ name: 'UNIT', complete: 'none', description: 'a systemd unit (or pattern) in the guest' }],
  options: {
    lines: { type: 'string', short: 'n', valueName: 'N', description: 'how many lines (default 50)' },
  },
  needs: ['live', 'exec'],
  async run(ctx, args) {
    requireSystemd(ctx, 'logs');
    const unit = unitArg(args.str('UNIT'));
    const n = parseCount(args.optStr('lines'), 50, '-n', { max: 100_000 });
    const argv = ['journalctl', '--no-pager', '-u', unit, '-n', String(n)];
    const r = await guestRun(ctx, ctx.json ? [...argv, '-o', 'json'] : argv, 120_000);
    failIfError(r, 'journalctl');
    // People read journalctl's own format; --json gets its entries as data.
    return ctx.json ? parseJournalJson(r.stdout) : r.stdout;
  },
  render(text: string, out: Output) {
    out.write(escapeLinesForTerminal(text));
  },
});
