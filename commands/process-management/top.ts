import { defineCommand, type Args, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { guestNames } from '../../src/inspect/names.js';
import { snapshotFrom, type TopSnapshot } from '../../src/parsers/top-sample.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, guestScript } from '../../src/live/guest-run.js';
import { formatBytes, formatDuration } from '../../src/util/format.js';
import { parseCount, parseSeconds } from '../../src/util/option-values.js';
import { TOP } from '../../src/live/scripts.js';

async function sample(ctx: CommandContext, interval: number, userOf: (uid: number) => string): Promise<TopSnapshot> {
  const r = await guestScript(ctx, TOP, [String(interval)], (interval + 60) * 1000);
  failIfError(r, 'top');
  if (/^100 assumed$/m.test(r.stdout.split('\n@@')[0] ?? '')) ctx.out.note('the guest has no getconf: CPU use is computed with 100 clock ticks per second (the Linux USER_HZ)');
  return snapshotFrom(r.stdout, userOf);
}

function renderTop(s: TopSnapshot, out: Output, rows: number): void {
  const m = s.memory;
  out.line(
    `up ${formatDuration(s.uptime, false)}, load average ${s.load.load1.toFixed(2)} ${s.load.load5.toFixed(2)} ${s.load.load15.toFixed(2)}, ${s.tasks} processes`,
  );
  out.line(`memory ${formatBytes(m.used)} used of ${formatBytes(m.total)} (${formatBytes(m.available)} available), swap ${formatBytes(m.swapUsed)} of ${formatBytes(m.swapTotal)}`);
  out.line(`CPU over ${s.interval.toFixed(1)} s:`);
  out.table(
    ['PID', 'USER', 'S', '%CPU', 'RSS', 'THR', 'COMMAND'],
    s.processes.slice(0, rows).map((p) => [p.pid, p.user, p.state, p.cpu.toFixed(1), formatBytes(p.rss), p.threads, p.name]),
    { rightAlign: [0, 3, 4, 5] },
  );
}

export const top = defineCommand({
  name: 'top',
  category: 'process-management',
  summary: "The guest's busiest processes: one snapshot sorted by CPU, refreshing on a terminal",
  description: [
    "Samples every guest process twice, INTERVAL seconds apart, in the guest's /proc, and sorts by the CPU used",
    'in between (percent of one CPU). On a terminal the view refreshes until you press q or Ctrl-C; in scripts,',
    'with --once or --json it prints one snapshot.',
  ].join('\n'),
  examples: ['top', 'top --once', 'top -n 5 --interval 2'],
  options: {
    once: { type: 'boolean', description: 'one snapshot, even on a terminal' },
    interval: { type: 'string', short: 'i', valueName: 'SECONDS', description: 'sampling interval (default 1)' },
    rows: { type: 'string', short: 'n', valueName: 'N', description: 'processes to show (default 15)' },
  },
  needs: ['live', 'exec'],
  async run(ctx, args) {
    const interval = parseSeconds(args.optStr('interval'), 1, '--interval', 60);
    const rows = parseCount(args.optStr('rows'), 15, '-n');
    const names = await guestNames(ctx.guest.fs);
    const userOf = (uid: number) => names.user(uid);
    if (args.flag('once') || !ctx.out.terminal.interactive) return sample(ctx, interval, userOf);
    // The refreshing view is the terminal itself: it draws as it goes and has no result to print.
    await refresh(ctx, interval, rows, userOf);
    return undefined;
  },
  render(s: TopSnapshot, out: Output, args: Args) {
    renderTop(s, out, parseCount(args.optStr('rows'), 15, '-n'));
  },
});

/** Redraw until q, Q or Ctrl-C (raw mode: the keys arrive here, not as SIGINT). */
async function refresh(ctx: CommandContext, interval: number, rows: number, userOf: (uid: number) => string): Promise<void> {
  const terminal = ctx.out.terminal;
  let stop = false;
  let wake: (() => void) | null = null;
  const stopReading = terminal.readKeys((k) => {
    if (k === 'q' || k === 'Q' || k === '\u0003') {
      stop = true;
      wake?.();
    }
  });
  try {
    while (!stop && !ctx.signal.aborted) {
      const s = await sample(ctx, interval, userOf);
      if (stop || ctx.signal.aborted) break;
      const height = Math.max(5, terminal.rows - 5);
      terminal.clearScreen();
      renderTop(s, ctx.out, Math.min(rows === 15 ? height : rows, height));
      ctx.out.line(ctx.out.color.dim('q or Ctrl-C to quit'));
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, 200);
      });
    }
  } catch (err) {
    if (!(err instanceof CliError && err.code === 'cancelled')) throw err;
  } finally {
    stopReading();
  }
}
