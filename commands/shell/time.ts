import { defineCommand, PRINTED } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';

export const time = defineCommand({
  name: 'time',
  category: 'shell',
  summary: 'Run a command and report how long it took (on stderr)',
  examples: ['time disk-usage /', "time find / -name '*.conf'"],
  positionals: [
    { name: 'COMMAND', complete: 'command' },
    { name: 'ARGS', optional: true, variadic: true },
  ],
  rawArgs: true,
  async run(ctx, args) {
    if (args.raw.length === 0) throw new CliError('usage', 'usage: time COMMAND [ARGS...]');
    if (args.raw[0] === 'time') throw new CliError('usage', 'time: cannot time itself');
    const start = process.hrtime.bigint();
    const code = await ctx.invoke(args.raw);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stderr.write(`time: ${ms.toFixed(1)} ms (${args.raw.join(' ')})\n`);
    ctx.setExitCode(code);
    return PRINTED;
  },
});
