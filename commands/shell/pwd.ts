import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';

export const pwd = defineCommand({
  name: 'pwd',
  category: 'shell',
  summary: 'Print the current guest directory',
  examples: ['pwd'],
  async run(ctx) {
    return { cwd: ctx.session.cwd };
  },
  render(r: { cwd: string }, out: Output) {
    out.line(r.cwd);
  },
});
