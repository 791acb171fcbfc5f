import { defineCommand } from '../../src/shell/command.js';
import { ExitRequest } from '../../src/shell/executor.js';

const leave = {
  category: 'Shell',
  summary: 'End the session: sync, unmount everything and detach the image',
  positionals: [{ name: 'STATUS', optional: true, description: 'exit status (default 0)' }],
  async run(_ctx: unknown, args: { optStr(n: string): string | undefined }) {
    return new ExitRequest(Number(args.optStr('STATUS') ?? 0) || 0);
  },
};

export const exit = defineCommand({ name: 'exit', examples: ['exit', 'exit 3'], ...leave });
export const quit = defineCommand({ name: 'quit', aliases: ['q'], examples: ['quit'], ...leave });
