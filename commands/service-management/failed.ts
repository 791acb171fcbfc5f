import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseUnitList, type UnitRow } from '../../src/parsers/systemctl.js';
import { failedUnits, type FailedUnit } from '../../src/journal/boot-analysis.js';
import { UNIT_FAILED, UNIT_RESULT, UNIT_STARTED } from '../../src/journal/message-ids.js';
import { failIfError, guestRun, requireSystemd } from '../../src/live/guest-run.js';
import { lastBoot } from './_shared/last-boot.js';

export const failed = defineCommand({
  name: 'failed',
  category: 'service-management',
  summary: 'List the failed systemd units of the guest (on a disk image: those that failed during its last boot)',
  description:
    "On a running guest: the guest's systemctl --failed. On a disk image: the units whose last word in the journal's last recorded boot was a failure " +
    "(systemd's \"Failed with result\" and \"Failed to start\" messages; a unit that failed and then started again is not listed).",
  examples: ['failed'],
  needs: ['exec'],
  async run(ctx): Promise<UnitRow[] | FailedUnit[]> {
    requireSystemd(ctx, 'failed');
    if (ctx.guest.kind !== 'live') {
      const { boot, records } = await lastBoot(ctx, 'failed', [UNIT_RESULT, UNIT_FAILED, UNIT_STARTED]);
      return failedUnits(records, boot);
    }
    const r = await guestRun(ctx, ['systemctl', 'list-units', '--failed', '--all', '--no-legend', '--no-pager', '--plain', '--full']);
    failIfError(r, 'systemctl --failed');
    return parseUnitList(r.stdout);
  },
  render(rows: UnitRow[] | FailedUnit[], out: Output) {
    if (rows.length === 0) {
      out.line('no failed units');
      return;
    }
    if ('result' in rows[0]!) {
      const failures = rows as FailedUnit[];
      out.table(['UNIT', 'RESULT', 'WHEN', 'MESSAGE'], failures.map((u) => [u.unit, u.result ?? '-', u.time ?? '-', u.message]));
      return;
    }
    out.table(
      ['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'],
      (rows as UnitRow[]).map((u) => [u.unit, u.load, u.active, u.sub, u.description]),
    );
  },
});
