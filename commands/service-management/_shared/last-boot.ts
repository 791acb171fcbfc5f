import type { CommandContext } from '../../../src/shell/command.js';
import { parseJournalRecords, type JournalRecord } from '../../../src/parsers/journal-fields.js';
import { findLogSource, NEVER_BOOTED, type LogSource } from '../../../src/journal/source.js';
import { failIfError } from '../../../src/live/guest-run.js';
import { CliError } from '../../../src/util/errors.js';

export interface LastBoot {
  boot: string;
  via: 'agent' | 'guest' | 'host';
  /** The boot's records carrying one of the asked MESSAGE_IDs, oldest first. */
  records: JournalRecord[];
}

/** The journal of a disk image, or why there is none: `what` names the command. */
export async function offlineJournal(ctx: CommandContext, what: string): Promise<Extract<LogSource, { kind: 'journal' }>> {
  const src = await findLogSource(ctx.guest);
  if (src.kind === 'none') throw new CliError('not-found', NEVER_BOOTED);
  if (src.kind === 'syslog') throw new CliError('unsupported', `${what} needs the systemd journal, and the guest only keeps ${src.path}`);
  return src;
}

/** The last recorded boot (that of the journal's last entry) and its entries with the given message IDs. */
export async function lastBoot(ctx: CommandContext, what: string, messageIds: string[]): Promise<LastBoot> {
  const src = await offlineJournal(ctx, what);
  const last = await src.journalctl(['-n', '1', '-o', 'json'], ctx.signal);
  failIfError(last, 'journalctl -n 1');
  const boot = parseJournalRecords(last.stdout)[0]?._BOOT_ID;
  if (!boot) throw new CliError('not-found', NEVER_BOOTED);
  // Different fields AND, the same field ORs: this boot, any of the message IDs.
  const r = await src.journalctl(['-o', 'json', `_BOOT_ID=${boot}`, ...messageIds.map((id) => `MESSAGE_ID=${id}`)], ctx.signal);
  failIfError(r, 'journalctl');
  return { boot, via: src.via, records: parseJournalRecords(r.stdout) };
}
