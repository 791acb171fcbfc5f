import { parseCrypttab } from '../parsers/crypttab.js';
import type { GuestFs } from '../guest/types.js';
import { describeError } from '../util/errors.js';
import { findVolume, type Volume } from './volumes.js';

/**
 * Give each opened LUKS volume the /dev/mapper/NAME the guest's /etc/crypttab gives it, so
 * fstab entries by that name resolve. Returns notes (an unreadable crypttab is said, not fatal).
 */
export async function addCrypttabAliases(fs: GuestFs, volumes: Volume[]): Promise<string[]> {
  let text: string;
  try {
    text = (await fs.readFile('/etc/crypttab')).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return [`cannot read the guest's /etc/crypttab: ${describeError(err)}`];
  }
  for (const entry of parseCrypttab(text)) {
    const container = findVolume(volumes, entry.source);
    const opened = container && volumes.find((v) => v.layer === 'luks' && v.parent === container.device);
    if (!opened) continue;
    const alias = `/dev/mapper/${entry.name}`;
    if (!volumes.some((v) => v.device === alias || v.aliases?.includes(alias))) opened.aliases = [...(opened.aliases ?? []), alias];
  }
  return [];
}
