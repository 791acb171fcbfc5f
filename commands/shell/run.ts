import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';

export const run = defineCommand({
  name: 'run',
  category: 'shell',
  summary: "Run one of the guest's own programs in a jail (no shell: run sh -c '…' for one)",
  description:
    'On a disk image the program runs in a bubblewrap jail: the guest root is its whole filesystem, with its own pid, ipc, uts and network namespaces (no network), ' +
    'a private /run, read-only /proc/sys and /sys, a minimal /dev, a reduced set of capabilities and no_new_privs; services are never started. ' +
    'On a --ro session the jail sees the guest read-only. On a running VM the program runs through the guest agent, so `run` is refused on a --ro live session. ' +
    "The exit status is the program's.",
  examples: ['run id', 'run cat /etc/debian_version', "run sh -c 'ls /etc | wc -l'"],
  positionals: [
    { name: 'PROGRAM', description: 'a program in the guest' },
    { name: 'ARGS', optional: true, variadic: true },
  ],
  os: ['linux'],
  needs: ['exec'],
  mayWrite: true,
  rawArgs: true,
  usesTerminal: true,
  async run(ctx, args) {
    const argv = args.raw;
    if (argv.length === 0) throw new CliError('usage', 'usage: run PROGRAM [ARGS...]');
    if (ctx.guest.readOnly && ctx.guest.kind === 'live') {
      throw new CliError('refused', 'run: refused on a read-only session of a running VM: the program would run in the live guest with full rights (open it without --ro)');
    }
    const terminal = ctx.out.terminal;
    const exec = (inherit: boolean) => ctx.guest.exec(argv, { inherit, signal: ctx.signal, cwd: ctx.session.cwd });
    const r = terminal.interactive ? await terminal.handTo(() => exec(true)) : await exec(false);
    ctx.setExitCode(r.code);
    // On a terminal the program wrote to it itself; its captured output is then empty.
    return { argv, code: r.code, stdout: r.stdout, stderr: r.stderr };
  },
  render(r: { stdout: string; stderr: string }, out: Output) {
    out.write(r.stdout);
    if (r.stderr) out.stderr(r.stderr);
  },
});
