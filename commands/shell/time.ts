import { defineCommand, type Invoked } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
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
    const start = performance.now();
    const r = await ctx.invoke(args.raw);
    const ms = performance.now() - start;
    ctx.setExitCode(r.code);
    // renderResult is a function, so --json leaves it out: it prints {command, code, ms, result}.
    return { command: args.raw, code: r.code, ms: Number(ms.toFixed(1)), result: r.data, renderResult: r.render };
  },
  render(t: { command: string[]; ms: number; renderResult: Invoked['render'] }, out: Output) {
    t.renderResult(out);
    out.stderr(`time: ${t.ms.toFixed(1)} ms (${t.command.join(' ')})\n`);
  },
});
