import type { CommandContext } from '../../../src/shell/command.js';
import type { ExecResult } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

/** Run one of the guest's firewall tools (C locale); only "no such program" throws. */
export async function runGuestTool(ctx: CommandContext, argv: string[]): Promise<ExecResult> {
  const r = await ctx.guest.exec(argv, { signal: ctx.signal, env: { LC_ALL: 'C' } });
  if (r.code === 127) throw new CliError('missing-tool', `${argv[0]}: not found in the guest`);
  return r;
}

/** The tool's last non-empty line of output (its complaint), or the exit status. */
export function toolComplaint(r: ExecResult): string {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? `exit status ${r.code}`;
}
