import { promises as fsp } from 'node:fs';
import type { CommandContext, CommandDef } from '../../../src/shell/command.js';
import { parseCommandArgs } from '../../../src/shell/args.js';
import { parsePipedLine } from '../../../src/shell/parse-line.js';
import { unservableReason } from '../../../src/shell/registry.js';
import { DRY_RUN } from '../../../src/shell/dry-run.js';
import { TtyPrompter } from '../../../src/shell/prompter.js';
import { describeError } from '../../../src/util/errors.js';
import { markedArgs } from './host-args.js';

// One template line checked on the guest as it is now: parsed against the registry, its host
// files looked for, and, when it changes the guest, run with --dry-run. Nothing is written.

export type LineStatus = 'ok' | 'fail' | 'unchecked' | 'skipped';

export interface LineCheck {
  line: number;
  text: string;
  status: LineStatus;
  /** Why it would fail, or why it was not run. */
  reason?: string;
  missingHostFiles: string[];
}

export async function checkLine(ctx: CommandContext, line: number, text: string): Promise<LineCheck> {
  const result = (status: LineStatus, reason?: string, missingHostFiles: string[] = []): LineCheck => ({ line, text, status, ...(reason ? { reason } : {}), missingHostFiles });
  let argv: string[];
  try {
    const parsed = parsePipedLine(text);
    if (parsed.host !== undefined) return result('fail', `pipes into the host command '${parsed.host}': a template line runs nothing on the host`);
    argv = parsed.argv;
  } catch (err) {
    return result('fail', describeError(err));
  }
  const [name, ...rest] = argv as [string, ...string[]];
  const cmd: CommandDef | undefined = ctx.commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!cmd) return result('fail', `unknown command '${name}'`);
  const withDryRun = rest.includes(`--${DRY_RUN}`) ? rest : [...rest, `--${DRY_RUN}`];
  let args;
  try {
    args = parseCommandArgs(cmd, rest);
  } catch (err) {
    return result('fail', describeError(err));
  }
  const unservable = unservableReason(cmd, ctx.guest);
  if (unservable !== undefined) return result('fail', `${cmd.name} ${unservable}`);
  const mutates = typeof cmd.mutates === 'function' ? cmd.mutates(args) : cmd.mutates === true;
  if (!mutates) return result('skipped', 'changes nothing in the guest: not run');
  const missing = await missingFiles(markedArgs(cmd, args).hostFiles.map((f) => f.path));
  if (missing.length > 0) return result('fail', `host file${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`, missing);
  if (!cmd.options?.[DRY_RUN]) return result('unchecked', 'cannot check: no --dry-run');
  let exitCode = 0;
  try {
    const dry = parseCommandArgs(cmd, withDryRun);
    // A dry run asks nothing: a question (a password on a terminal) fails the line as it would fail a script.
    await cmd.run({ ...ctx, prompt: new TtyPrompter(false), setExitCode: (c) => (exitCode = c) }, dry);
  } catch (err) {
    return result('fail', describeError(err));
  }
  return exitCode === 0 ? result('ok') : result('fail', `its dry run exits with status ${exitCode}`);
}

async function missingFiles(paths: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of paths) {
    const st = await fsp.stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!st) missing.push(p);
  }
  return missing;
}
