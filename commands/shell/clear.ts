import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';

export const clear = defineCommand({
  name: 'clear',
  aliases: ['cls'],
  category: 'shell',
  summary: 'Clear the terminal screen',
  examples: ['clear'],
  async run(ctx) {
    return null;
  },
  render(_: null, out: Output) {
    if (out.isTTY) out.terminal.clearScreen(true);
  },
});
