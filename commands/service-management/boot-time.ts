import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { blame, startupSplit, type BlameRow, type StartupSplit } from '../../src/journal/boot-analysis.js';
import { STARTUP_FINISHED, UNIT_STARTED, UNIT_STARTING } from '../../src/journal/message-ids.js';
import { failIfError, guestRun, requireSystemd } from '../../src/live/guest-run.js';
import { parseCount } from '../../src/util/option-values.js';
import { CliError } from '../../src/util/errors.js';
import { lastBoot } from './_shared/last-boot.js';

type BootTime =
  | { source: 'journal'; boot: string; split: StartupSplit | null; slowest: BlameRow[] }
  | { source: 'systemd-analyze'; time: string; blame: string[] };

/** 79721965 µs → "1min 19.721s", as systemd-analyze writes it (milliseconds cut, not rounded). */
function usecText(us: number): string {
  const ms = Math.floor(us / 1000);
  if (ms < 1000) return `${ms}ms`;
  const min = Math.floor(ms / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3);
  return min > 0 ? `${min}min ${s}s` : `${s}s`;
}

export const bootTime = defineCommand({
  name: 'boot-time',
  category: 'service-management',
  summary: 'How long the guest took to boot, and its slowest units (systemd-analyze time and blame)',
  description:
    "On a running guest: its systemd-analyze time and blame through the agent. On a disk image: from the journal's last recorded boot, systemd's " +
    '"Startup finished" message (firmware, loader, kernel, initrd, userspace) and, per unit, the time from its "Starting" to its "Started" message.',
  examples: ['boot-time', 'boot-time -n 20'],
  options: { lines: { type: 'string', short: 'n', valueName: 'N', description: 'how many of the slowest units (default 10)' } },
  needs: ['exec'],
  async run(ctx, args): Promise<BootTime> {
    requireSystemd(ctx, 'boot-time');
    const n = parseCount(args.optStr('lines'), 10, '-n', { max: 10_000 });
    if (ctx.guest.kind !== 'live') {
      const { boot, records } = await lastBoot(ctx, 'boot-time', [STARTUP_FINISHED, UNIT_STARTING, UNIT_STARTED]);
      const split = startupSplit(records, boot);
      if (!split) ctx.out.note('the last recorded boot never finished starting up (no "Startup finished" message in the journal)');
      return { source: 'journal', boot, split, slowest: blame(records, boot).slice(0, n) };
    }
    const time = await guestRun(ctx, ['systemd-analyze', 'time']);
    failIfError(time, 'systemd-analyze time');
    const b = await guestRun(ctx, ['systemd-analyze', 'blame', '--no-pager']);
    failIfError(b, 'systemd-analyze blame');
    if (!time.stdout.trim()) throw new CliError('failed', 'systemd-analyze time printed nothing');
    return { source: 'systemd-analyze', time: time.stdout.trim(), blame: b.stdout.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, n) };
  },
  render(r: BootTime, out: Output) {
    if (r.source === 'systemd-analyze') {
      out.write(escapeLinesForTerminal(`${r.time}\n${r.blame.map((l) => `${l}\n`).join('')}`));
      return;
    }
    if (r.split) {
      const s = r.split;
      const parts = ([['firmware', s.firmwareUsec], ['loader', s.loaderUsec], ['kernel', s.kernelUsec], ['initrd', s.initrdUsec], ['userspace', s.userspaceUsec]] as const)
        .filter(([, us]) => us !== null)
        .map(([what, us]) => `${usecText(us!)} (${what})`);
      out.line(`Startup finished in ${parts.join(' + ')} = ${usecText(s.totalUsec)}`);
    } else out.line('the last recorded boot never finished starting up');
    if (r.slowest.length > 0) out.table(['TIME', 'UNIT'], r.slowest.map((u) => [usecText(u.usec), u.unit]));
  },
});
