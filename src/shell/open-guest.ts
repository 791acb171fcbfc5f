import { CliError } from '../util/errors.js';
import { openTarget } from '../guest/open.js';
import type { Guest } from '../guest/types.js';
import type { InteractiveOptions } from './interactive-options.js';
import { makeKeyFor } from '../luks/key-provider.js';
import { TtyPrompter } from './prompter.js';

// What a session opens: a running VM through its agent (a socket, or a running libvirt
// domain), or disks offline (image files, a directory, or the disks of a domain that is not
// running, or of any domain with --offline, then read-only when it runs).

export type OpenedGuest = Guest & { notes?: string[] };

export async function openGuest(opts: InteractiveOptions): Promise<OpenedGuest> {
  if (opts.agentSocket !== undefined) return openAgent(opts);
  if (opts.domain !== undefined) return openDomain(opts.domain, opts);
  return openTarget([opts.target, ...(opts.moreDisks ?? [])], { readOnly: opts.readOnly, format: opts.format, keyFor: keyFor(opts), rwRaid: opts.rwRaid });
}

/** LUKS keys from --key, else asked before the shell exists, on stderr (stdout may be --json): only with a terminal on both. */
function keyFor(opts: InteractiveOptions) {
  return makeKeyFor(opts.keys, new TtyPrompter(process.stdin.isTTY === true && process.stderr.isTTY === true));
}

async function openAgent(opts: InteractiveOptions): Promise<OpenedGuest> {
  const { openAgentGuest } = await import('../guest/agent-guest.js');
  return openAgentGuest({ socket: opts.agentSocket, domain: opts.domain, connect: opts.connect, readOnly: opts.readOnly });
}

async function openDomain(domain: string, opts: InteractiveOptions): Promise<OpenedGuest> {
  const { domainIsActive, offlineDomain } = await import('../libvirt/offline-disks.js');
  const vopts = { uri: opts.connect };
  const active = await domainIsActive(domain, vopts);
  if (active && !opts.offline) return openAgent(opts);
  if (active && !opts.readOnly)
    throw new CliError('refused', `domain ${domain} is running: its disks are opened offline only read-only (add --ro), or open the running VM without --offline`);
  const dom = await offlineDomain(domain, vopts);
  const readOnly = opts.readOnly || dom.readOnlyReason !== undefined;
  const guest = await openTarget(dom.disks, { readOnly, keyFor: keyFor(opts), rwRaid: opts.rwRaid });
  guest.notes.unshift(
    `domain ${domain} is ${active ? 'running' : 'not running'}: its disks are opened offline${readOnly && !opts.readOnly ? `, read-only: ${dom.readOnlyReason}` : ''}`,
  );
  return guest;
}
