import { defineCommand } from '../../src/shell/command.js';
import { ExitRequest } from '../../src/shell/executor.js';
import { CliError } from '../../src/util/errors.js';

/** `exit [N]` like sh: N is a status from 0 to 255; anything else is a usage error, not a quiet 0. */
function exitStatus(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,3}$/.test(text) || Number(text) > 255) throw new CliError('usage', `exit: the status must be a number from 0 to 255, not '${text}'`);
  return Number(text);
}

const leave = {
  category: 'shell' as const,
  summary: 'End the session: sync, unmount everything and detach the image',
  positionals: [{ name: 'STATUS', optional: true, description: 'exit status, 0-255 (default 0)' }],
  async run(_ctx: unknown, args: { optStr(n: string): string | undefined }) {
    return new ExitRequest(exitStatus(args.optStr('STATUS')));
  },
};

export const exit = defineCommand({ name: 'exit', examples: ['exit', 'exit 3'], ...leave });
export const quit = defineCommand({ name: 'quit', aliases: ['q'], examples: ['quit'], ...leave });
