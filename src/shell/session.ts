import { createInterface } from 'node:readline';
import { openTarget } from '../guest/open.js';
import type { Guest } from '../guest/types.js';
import { reportError } from '../util/errors.js';
import { Output } from './output.js';
import type { Registry } from './registry.js';
import { TtyPrompter } from './prompter.js';
import type { ShellEnv } from './executor.js';
import { runScript } from './script.js';
import { runRepl } from './repl.js';
import { Lifecycle } from './lifecycle.js';

// One interactive session: open the guest, run commands (from -c, a script on stdin, or
// the prompt), and always close the guest on the way out, whatever the way out is.
// The command registry is handed in by the caller (src/ does not import commands/).

export interface InteractiveOptions {
  /** An image or directory; empty when a running guest is opened (--domain / --agent-socket). */
  target: string;
  /** The machine's other disks, in order (the first is `target`). */
  moreDisks?: string[];
  /** A running VM: its guest agent socket, or its libvirt domain (and URI). */
  agentSocket?: string;
  domain?: string;
  connect?: string;
  readOnly: boolean;
  format?: string;
  /** Assemble md arrays with the host's md driver (read-write RAID1, other levels). */
  rwRaid?: boolean;
  commands: string[];
  json: boolean;
  keepGoing: boolean;
  color: boolean;
  debug: boolean;
}

export async function runInteractive(opts: InteractiveOptions, registry: Registry): Promise<number> {
  const out = new Output(opts.json, opts.color);
  const lifecycle = new Lifecycle(out);
  lifecycle.install();
  let code: number;
  try {
    code = await runSession(opts, registry, out, lifecycle);
  } finally {
    await lifecycle.close();
  }
  // A session whose guest could not be closed (a busy mount, a loop device that stayed) failed.
  return lifecycle.closeFailed && code === 0 ? 1 : code;
}

async function runSession(opts: InteractiveOptions, registry: Registry, out: Output, lifecycle: Lifecycle): Promise<number> {
  try {
    const live = opts.agentSocket !== undefined || opts.domain !== undefined;
    const guest: Guest & { notes?: string[] } = await lifecycle.open<Guest & { notes?: string[] }>(() =>
      live
        ? import('../guest/agent-guest.js').then(({ openAgentGuest }) =>
            openAgentGuest({ socket: opts.agentSocket, domain: opts.domain, connect: opts.connect, readOnly: opts.readOnly }),
          )
        : openTarget([opts.target, ...(opts.moreDisks ?? [])], { readOnly: opts.readOnly, format: opts.format, rwRaid: opts.rwRaid }),
    );
    for (const note of guest.notes ?? []) out.note(note);
    const interactive = process.stdin.isTTY === true && opts.commands.length === 0;
    const env: ShellEnv = {
      guest,
      registry,
      out,
      prompt: new TtyPrompter(process.stdin.isTTY === true && process.stdout.isTTY === true),
      session: { cwd: '/' },
      debug: opts.debug,
      hostEnv: process.env,
    };
    if (opts.commands.length > 0) return await runScript(opts.commands, env, lifecycle, opts.keepGoing, '-c');
    if (!interactive) return await runScript(stdinLines(), env, lifecycle, opts.keepGoing, 'line');
    return await runRepl(env, lifecycle);
  } catch (err) {
    return reportError(err, out, opts.debug);
  }
}

/** Lines of stdin as they arrive, so a pipe can drive a session one command at a time. */
function stdinLines(): AsyncIterable<string> {
  return createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
}
