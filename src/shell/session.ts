import { createInterface } from 'node:readline';
import { openGuest, type OpenedGuest } from './open-guest.js';
import type { InteractiveOptions } from './interactive-options.js';
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

export type { InteractiveOptions } from './interactive-options.js';

/** The registry (given as its loader) loads while the guest opens, which mostly waits on tools. */
export async function runInteractive(opts: InteractiveOptions, registry: Registry | (() => Promise<Registry>)): Promise<number> {
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

async function runSession(opts: InteractiveOptions, registryLoad: Registry | (() => Promise<Registry>), out: Output, lifecycle: Lifecycle): Promise<number> {
  try {
    // The open starts first (its first tool runs at once); both settle before either failure is
    // reported, so an opened guest is always known to lifecycle (and closed).
    const opening = lifecycle.open<OpenedGuest>(() => openGuest(opts));
    const loading = typeof registryLoad === 'function' ? registryLoad() : registryLoad;
    const [opened, loaded] = await Promise.allSettled([opening, loading]);
    if (opened.status === 'rejected') throw opened.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    const guest = opened.value;
    const registry = loaded.value;
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
