import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseShow, parseUnitList, type UnitRow } from '../../src/parsers/systemctl.js';
import { parseJournalJson } from '../../src/parsers/journal.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, guestRun, requireSystemd } from '../../src/live/guest-run.js';
import { unitArg } from './_shared/unit-arg.js';

export const failed = defineCommand({
  name: 'failed',
  category: 'service-management',
  summary: 'List the failed systemd units of the guest',
  examples: ['failed'],
  needs: ['live', 'exec'],
  async run(ctx): Promise<UnitRow[]> {
    requireSystemd(ctx, 'failed');
    const r = await guestRun(ctx, ['systemctl', 'list-units', '--failed', '--all', '--no-legend', '--no-pager', '--plain', '--full']);
    failIfError(r, 'systemctl --failed');
    return parseUnitList(r.stdout);
  },
  render(rows: UnitRow[], out: Output) {
    if (rows.length === 0) {
      out.line('no failed units');
      return;
    }
    out.table(
      ['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'],
      rows.map((u) => [u.unit, u.load, u.active, u.sub, u.description]),
    );
  },
});
