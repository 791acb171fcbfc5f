import path from 'node:path';
import type { Guest } from '../../../src/guest/types.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { nftIncludes, type NftFile } from '../../../src/firewall/nftables.js';
import { CliError, describeError } from '../../../src/util/errors.js';

// The nftables config as nft would read it: the main file and, depth first, its includes. Every
// include is a path of the GUEST, read through ctx.guest.fs (chroot-resolved): an include of
// /etc/passwd or ../../x never reaches a host file. A relative include is looked up next to the
// file that includes it, then in /etc (nft's default include directory); a glob matches file names
// in its directory, sorted, and may match nothing (as in nft).

/** The main file of each layout: Debian's, then RHEL's (loaded by nftables.service from /etc/sysconfig). */
export const NFT_MAIN_FILES = ['/etc/nftables.conf', '/etc/sysconfig/nftables.conf'];
const MAX_FILES = 256;

export interface NftConfig {
  main: string;
  files: NftFile[];
}

const isGlob = (p: string) => /[*?[]/.test(p);

function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

async function expandInclude(guest: Guest, from: string, include: string): Promise<string[]> {
  const candidates = include.startsWith('/') ? [include] : [path.posix.join(path.posix.dirname(from), include), path.posix.join('/etc', include)];
  for (const c of candidates) {
    if (!isGlob(c)) {
      if (await guest.fs.exists(c)) return [path.posix.normalize(c)];
      continue;
    }
    const dir = path.posix.dirname(c);
    if (isGlob(dir)) throw new CliError('unsupported', `nftables: ${from}: include "${include}": a glob in a directory name is not supported`);
    if (!(await guest.fs.exists(dir))) continue;
    const re = globRegex(path.posix.basename(c));
    const entries = await guest.fs.list(dir);
    return entries
      .filter((e) => e.type !== 'directory' && re.test(e.name))
      .map((e) => path.posix.join(dir, e.name))
      .sort();
  }
  if (isGlob(include)) return [];
  throw new CliError('not-found', `nftables: ${from}: include "${include}": no such file in the guest`);
}

export async function loadNftConfig(guest: Guest): Promise<NftConfig> {
  let main: string | null = null;
  for (const p of NFT_MAIN_FILES) if (main === null && (await guest.fs.exists(p))) main = p;
  if (main === null) throw new CliError('not-found', `nftables: the guest has none of ${NFT_MAIN_FILES.join(', ')}`);
  const files: NftFile[] = [];
  const seen = new Set<string>();
  const visit = async (file: string, chain: string[]): Promise<void> => {
    if (chain.includes(file)) throw new CliError('failed', `nftables: ${file} includes itself (through ${chain.join(' → ')})`);
    if (seen.has(file)) return;
    if (seen.size >= MAX_FILES) throw new CliError('failed', `nftables: more than ${MAX_FILES} included files from ${main}`);
    seen.add(file);
    let text: string | null;
    try {
      text = await readOptional(guest, file);
    } catch (err) {
      throw new CliError('failed', `nftables: reading ${file}: ${describeError(err)}`);
    }
    if (text === null) throw new CliError('not-found', `nftables: ${file}: no such file in the guest`);
    files.push({ path: file, text });
    for (const inc of nftIncludes(text)) for (const f of await expandInclude(guest, file, inc)) await visit(f, [...chain, file]);
  };
  await visit(main, []);
  return { main, files };
}
