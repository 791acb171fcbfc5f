import type { Output } from '../../src/shell/output.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import { parseProcStatLine } from '../../src/parsers/procfs.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, guestRun } from '../../src/live/guest-run.js';
import { parseSignal } from '../../src/parsers/signal.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

interface KillResult {
  pid: number;
  name: string;
  signal: string;
  /** Whether the process was gone (or a zombie) shortly after the signal. */
  ended: boolean;
}

/** Whether the signal is meant to end the process (so the result says whether it did). */
function endsProcess(signal: string): boolean {
  return !['STOP', 'TSTP', 'TTIN', 'TTOU', 'CONT', 'CHLD', 'WINCH', 'URG'].includes(signal);
}

export const kill = defineCommand({
  name: 'kill',
  category: 'process-management',
  summary: 'Send a signal to a guest process (default TERM)',
  description:
    "Runs the guest's kill on a GUEST process id (see `ps`), then tells whether the process ended within a few seconds. Host processes are never touched.",
  examples: ['kill 1234', 'kill 1234 KILL', 'kill 812 HUP', 'kill 4321 9', 'kill 812 HUP --dry-run'],
  positionals: [
    { name: 'PID', complete: 'none', description: 'a process id in the guest' },
    { name: 'SIGNAL', optional: true, complete: 'none', description: 'TERM (default), KILL, HUP, INT, USR1... or a number' },
  ],
  options: { ...dryRunOption('name the process and the signal it would get, and send nothing') },
  needs: ['live', 'exec'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<KillResult | DryRunPlan> {
    const pidText = args.str('PID');
    if (!/^[1-9]\d{0,9}$/.test(pidText)) throw new CliError('usage', `PID must be a positive process id: '${pidText}'`);
    const pid = Number(pidText);
    const signal = parseSignal(args.optStr('SIGNAL') ?? 'TERM');
    const before = await procState(ctx, pid);
    if (!before) throw new CliError('not-found', `no process ${pid} in the guest`);
    if (args.flag(DRY_RUN)) return dryRunPlan([`send SIG${signal} to process ${pid} (${before.comm}, state ${before.state})`]);
    const r = await guestRun(ctx, ['kill', '-s', signal, '--', String(pid)]);
    failIfError(r, `kill -s ${signal} ${pid}`);
    // A process that handles or ignores the signal keeps running: say which it is.
    let ended = false;
    const stops = endsProcess(signal);
    for (let i = 0; stops && i < 10 && !ctx.signal.aborted; i++) {
      const st = await procState(ctx, pid);
      if (!st || st.state === 'Z' || st.state === 'X' || st.comm !== before.comm) {
        ended = true;
        break;
      }
      await new Promise((res) => setTimeout(res, 300));
    }
    return { pid, name: before.comm, signal, ended };
  },
  render(r: KillResult | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(`sent SIG${r.signal} to ${r.pid} (${r.name})${endsProcess(r.signal) ? (r.ended ? ': it ended' : ': it is still running') : ''}`);
  },
});

async function procState(ctx: CommandContext, pid: number) {
  const text = await ctx.guest.fs.readFile(`/proc/${pid}/stat`).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ESRCH') return null;
    throw err;
  });
  return text ? parseProcStatLine(text.toString('utf8').trim()) : null;
}
