import type { CommandContext } from '../../../src/shell/command.js';
import type { ExecOptions, ExecResult } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

/** Run one of the guest's firewall tools (C locale); only "no such program" throws. */
export async function runGuestTool(ctx: CommandContext, argv: string[], opts: Pick<ExecOptions, 'netAdmin'> = {}): Promise<ExecResult> {
  const r = await ctx.guest.exec(argv, { ...opts, signal: ctx.signal, env: { LC_ALL: 'C' } });
  if (r.code === 127) throw new CliError('missing-tool', `${argv[0]}: not found in the guest`);
  return r;
}

/** The last non-empty line of a text, trimmed. */
export function lastLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
}

/** The tool's last non-empty line of output (its complaint), or the exit status. */
export function toolComplaint(r: ExecResult): string {
  return lastLine(`${r.stdout}\n${r.stderr}`) ?? `exit status ${r.code}`;
}
