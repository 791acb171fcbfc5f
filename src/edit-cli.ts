import { parseCliArgs } from './util/cli-args.js';
import { isWindowsPath, editGuestFile, type EditResult } from './host-editor/edit-guest-file.js';
import { Output } from './shell/output.js';
import { TtyPrompter } from './shell/prompter.js';
import { Lifecycle } from './shell/lifecycle.js';
import { CliError, describeError } from './util/errors.js';

// `guestctl edit --domain NAME GUEST_PATH [--local PATH]`: edit one file of a running VM with
// a host editor, through its guest agent (virsh, or --agent-socket for plain QEMU). The flow
// is the shell's `edit` (src/host-editor/edit-guest-file.ts): download, $VISUAL/$EDITOR, SHA-256
// before/after, diff and confirmation on a terminal, upload only when changed, atomic
// replace in the guest; on any failure the guest file stays as it was.

export const EDIT_USAGE = 'guestctl edit --domain NAME [--connect URI] GUEST_PATH [--local PATH] [--backup] [--json]';

export interface LiveEditOptions {
  domain?: string;
  connect?: string;
  agentSocket?: string;
  path: string;
  localPath?: string;
  backup: boolean;
  json: boolean;
  color: boolean;
  debug: boolean;
}

export function parseEditArgs(argv: string[]): LiveEditOptions {
  const parsed = parseCliArgs(
    argv,
    {
    domain: { type: 'string' },
    connect: { type: 'string' },
    'agent-socket': { type: 'string' },
    local: { type: 'string', short: 'l' },
    backup: { type: 'boolean', short: 'b' },
    json: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    debug: { type: 'boolean' },
  },
    `usage: ${EDIT_USAGE}`,
  );
  const v = parsed.values;
  const [path, ...extra] = parsed.positionals;
  if (v.domain === undefined && v['agent-socket'] === undefined) throw new CliError('usage', `guestctl edit needs a running guest: ${EDIT_USAGE}`);
  if (v.domain !== undefined && v['agent-socket'] !== undefined) throw new CliError('usage', 'give either --domain NAME or --agent-socket PATH, not both');
  if (v.connect !== undefined && v.domain === undefined) throw new CliError('usage', '--connect goes with --domain NAME');
  if (!path) throw new CliError('usage', `which guest file? ${EDIT_USAGE}`);
  if (extra.length > 0) throw new CliError('usage', `unexpected argument '${extra[0]}': one guest file at a time`);
  if (!path.startsWith('/') && !isWindowsPath(path)) throw new CliError('usage', `GUEST_PATH must be absolute (/etc/fstab, or C:\\path on Windows): '${path}'`);
  if (v.local !== undefined && !v.local.trim()) throw new CliError('usage', '--local needs a host path');
  return {
    ...(v.domain !== undefined ? { domain: v.domain } : {}),
    ...(v.connect !== undefined ? { connect: v.connect } : {}),
    ...(v['agent-socket'] !== undefined ? { agentSocket: v['agent-socket'] } : {}),
    path,
    ...(v.local !== undefined ? { localPath: v.local } : {}),
    backup: v.backup === true,
    json: v.json === true,
    color: v['no-color'] !== true && !process.env.NO_COLOR && process.stdout.isTTY === true,
    debug: v.debug === true,
  };
}

/** Open the guest, run the edit flow, close the guest: the exit status (errors printed as one line). */
export async function runLiveEdit(opts: LiveEditOptions): Promise<number> {
  const out = new Output(opts.json, opts.color);
  const lifecycle = new Lifecycle(out);
  lifecycle.install();
  try {
    const { openAgentGuest } = await import('./guest/agent-guest.js');
    const guest = await lifecycle.open(() => openAgentGuest({ domain: opts.domain, connect: opts.connect, socket: opts.agentSocket }));
    for (const note of guest.notes) out.note(note);
    if (!guest.capabilities.has('fs')) throw new CliError('unsupported', `the guest agent of ${guest.name} allows no file access (guest-file-*)`);
    const prompt = new TtyPrompter(process.stdin.isTTY === true && process.stdout.isTTY === true);
    const result: EditResult = await lifecycle.runCommand(() =>
      editGuestFile(guest.fs, opts.path, { out, prompt, json: opts.json, backup: opts.backup, ...(opts.localPath ? { localPath: opts.localPath } : {}) }),
    );
    if (opts.json) out.printJson(result);
    return 0;
  } catch (err) {
    out.error(describeError(err));
    if (opts.debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    await lifecycle.close();
  }
}
