import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';

export const run = defineCommand({
  name: 'run',
  category: 'Shell',
  summary: "Run one of the guest's own programs in a sandbox (no shell: run sh -c '…' for one)",
  description:
    'On a disk image the program runs chrooted into the guest, in private mount/pid/uts/ipc namespaces with no network; services are never started. The exit status is the program\'s.',
  examples: ['run id', 'run cat /etc/debian_version', "run sh -c 'ls /etc | wc -l'"],
  positionals: [
    { name: 'PROGRAM', description: 'a program in the guest' },
    { name: 'ARGS', optional: true, variadic: true },
  ],
  needs: ['exec'],
  rawArgs: true,
  usesTerminal: true,
  async run(ctx, args) {
    const argv = args.raw;
    if (argv.length === 0) throw new CliError('usage', 'usage: run PROGRAM [ARGS...]');
    const interactive = !ctx.json && process.stdin.isTTY === true && process.stdout.isTTY === true;
    const r = await ctx.guest.exec(argv, { inherit: interactive, signal: ctx.signal, cwd: ctx.session.cwd });
    if (!interactive && !ctx.json) {
      ctx.out.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
    }
    ctx.setExitCode(r.code);
    return { argv, code: r.code, stdout: r.stdout, stderr: r.stderr };
  },
});
