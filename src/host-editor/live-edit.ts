import { editGuestFile, type EditResult } from './edit-guest-file.js';
import { Output } from '../shell/output.js';
import { TtyPrompter } from '../shell/prompter.js';
import { Lifecycle } from '../shell/lifecycle.js';
import { CliError, reportError } from '../util/errors.js';

// `guestctl edit --domain NAME GUEST_PATH [--local PATH]`: edit one file of a running VM with
// a host editor, through its guest agent (virsh, or --agent-socket for plain QEMU). The flow
// is the shell's `edit` (src/host-editor/edit-guest-file.ts): download, $VISUAL/$EDITOR, SHA-256
// before/after, diff and confirmation on a terminal, upload only when changed, atomic
// replace in the guest; on any failure the guest file stays as it was.
// Options and help: src/cli/edit.ts.

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

/** Open the guest, run the edit flow, close the guest: the exit status (errors printed as one line). */
export async function runLiveEdit(opts: LiveEditOptions): Promise<number> {
  const out = new Output(opts.json, opts.color);
  const lifecycle = new Lifecycle(out);
  lifecycle.install();
  try {
    const { openAgentGuest } = await import('../guest/agent-guest.js');
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
    return reportError(err, out, opts.debug);
  } finally {
    await lifecycle.close();
  }
}
