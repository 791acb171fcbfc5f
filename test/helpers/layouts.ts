import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureInfo } from './fixtures.js';

/** The "layouts" fixture's fixture.json (every machine, the LUKS passphrase). */
export function layoutsInfo<M>(): { passphrase: string; machines: Record<string, M> } {
  return fixtureInfo('layouts-lvm-mbr') as { passphrase: string; machines: Record<string, M> };
}

/** The LUKS passphrase in a 0600 file in `dir` (for --key all:file:... and cryptsetup --key-file). */
export function passphraseFile(dir: string, passphrase: string): string {
  const file = join(dir, 'passphrase');
  writeFileSync(file, passphrase, { mode: 0o600 });
  return file;
}
