import { promises as fsp } from 'node:fs';
import { resolve as resolveHost } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import { hostFileType } from '../../../src/guest/host-entry.js';
import type { DirEntry, FileType, Guest } from '../../../src/guest/types.js';
import { openOtherImageReadOnly } from '../../../src/shell/open-other-image.js';
import { CliError, describeError } from '../../../src/util/errors.js';

// One side of `diff`: a path in the session's guest, a host file (`host:PATH`), or a path in
// another disk image (`IMAGE:PATH`, opened read-only). A word is IMAGE:PATH only when the part
// before the first ':' ends in a disk image extension and is an existing host file, so a guest
// path with a ':' in it stays a guest path.

const IMAGE_EXTENSIONS = /\.(qcow2|qcow|img|raw|vmdk|vdi|vhd|vhdx|qed)$/i;

/** What diff reads on one side: a subset of GuestFs, which the guest sides hand over as is. */
export interface SideFs {
  stat(path: string): Promise<{ type: FileType }>;
  lstat(path: string): Promise<{ type: FileType }>;
  list(path: string): Promise<DirEntry[]>;
  readFile(path: string): Promise<Buffer>;
  readlink(path: string): Promise<string>;
}

export interface Side {
  fs: SideFs;
  /** The path on that side (a guest path, or an absolute host path). */
  path: string;
  /** How the side's paths are shown: `host:` or `IMAGE:` before the path, nothing for the guest. */
  prefix: string;
}

/** The host filesystem, read as it is (no guest root): the user named these host paths. */
const hostFs: SideFs = {
  stat: async (p) => ({ type: hostFileType(await fsp.stat(p)) }),
  lstat: async (p) => ({ type: hostFileType(await fsp.lstat(p)) }),
  list: async (p) => (await fsp.readdir(p, { withFileTypes: true })).map((d) => ({ name: d.name, type: hostFileType(d) })),
  readFile: (p) => fsp.readFile(p),
  readlink: (p) => fsp.readlink(p),
};

async function isHostFile(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CliError('failed', `diff: cannot check the host file ${path}: ${describeError(err)}`);
  }
}

/** Opens the sides of one diff; `close()` releases the images it opened. */
export class SideOpener {
  private readonly images = new Map<string, Guest>();

  constructor(private readonly ctx: CommandContext) {}

  async open(word: string): Promise<Side> {
    if (word.startsWith('host:')) {
      const path = word.slice(5);
      if (!path) throw new CliError('usage', `diff: ${word}: no host path after host:`);
      return { fs: hostFs, path: resolveHost(path), prefix: 'host:' };
    }
    const colon = word.indexOf(':');
    if (colon > 0) {
      const image = word.slice(0, colon);
      if (IMAGE_EXTENSIONS.test(image) && (await isHostFile(resolveHost(image)))) {
        const guest = await this.image(resolveHost(image));
        const rest = word.slice(colon + 1) || '/';
        return { fs: guest.fs, path: rest.startsWith('/') ? rest : `/${rest}`, prefix: `${image}:` };
      }
    }
    return { fs: this.ctx.guest.fs, path: this.ctx.guestPath(word), prefix: '' };
  }

  private async image(path: string): Promise<Guest> {
    let guest = this.images.get(path);
    if (!guest) {
      const opened = await openOtherImageReadOnly(path).catch((err) => {
        throw new CliError('failed', `diff: cannot open the image ${path} read-only: ${describeError(err)}`);
      });
      for (const n of opened.notes) this.ctx.out.note(`${path}: ${n}`);
      this.images.set(path, opened);
      guest = opened;
    }
    return guest;
  }

  async close(): Promise<void> {
    const guests = [...this.images.values()];
    this.images.clear();
    const failures: string[] = [];
    for (const g of guests) await g.close().catch((err) => failures.push(`${g.name}: ${describeError(err)}`));
    if (failures.length > 0) throw new CliError('failed', `diff: closing the other image failed: ${failures.join('; ')}`);
  }
}
