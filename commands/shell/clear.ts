import { defineCommand } from '../../src/shell/command.js';

export const clear = defineCommand({
  name: 'clear',
  aliases: ['cls'],
  category: 'shell',
  summary: 'Clear the terminal screen',
  examples: ['clear'],
  async run(ctx) {
    if (!ctx.json && process.stdout.isTTY) ctx.out.write('\x1b[H\x1b[2J\x1b[3J');
    return null;
  },
});
