import { promises as fsp } from 'node:fs';
import { CliError } from '../util/errors.js';
import type { Prompter } from '../util/prompter.js';
import type { Volume } from '../image/volumes.js';
import { keySpecFor, type KeySpec } from './key-spec.js';

// Where a LUKS volume's key comes from: the --key given for it first; then (after a wrong one,
// or with none given) the prompt, without echo, on a terminal only. The key stays a Buffer in
// this process: it reaches qemu-storage-daemon through a 0600 file and cryptsetup on stdin.

export type KeyFor = (vol: Volume, luksUuid: string | null, luksVersion?: number) => Promise<Buffer | null>;

export function makeKeyFor(specs: KeySpec[], prompter: Pick<Prompter, 'interactive' | 'password'>): KeyFor {
  const asked = new Map<string, number>();
  return async (vol, uuid, version) => {
    const n = asked.get(vol.device) ?? 0;
    asked.set(vol.device, n + 1);
    const spec = n === 0 ? keySpecFor(specs, [vol.device, ...(vol.aliases ?? [])], uuid) : undefined;
    if (spec) return spec.source.kind === 'key' ? Buffer.from(spec.source.passphrase) : readKeyFile(spec.source.path);
    if (!prompter.interactive) return null;
    // Asked again only after a wrong key (the layer asks once per try).
    const retry = n > 0 ? `wrong passphrase for ${vol.device}; ` : '';
    return Buffer.from(await prompter.password(`${retry}Passphrase for ${vol.device}${version ? ` (LUKS${version})` : ''}:`));
  };
}

/** The file's first line, as virt-inspector reads a key file. */
async function readKeyFile(path: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await fsp.readFile(path);
  } catch (err) {
    throw new CliError('usage', `--key file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const nl = data.indexOf(0x0a);
  return nl < 0 ? data : data.subarray(0, nl);
}
