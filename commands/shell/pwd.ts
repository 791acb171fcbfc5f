import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';

export const pwd = defineCommand({
  name: 'pwd',
  category: 'shell',
  summary: 'Print the current guest directory',
  examples: ['pwd'],
  async run(ctx) {
    ctx.out.line(ctx.session.cwd);
    return { cwd: ctx.session.cwd };
  },
});
