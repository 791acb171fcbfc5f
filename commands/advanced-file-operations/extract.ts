import { posix } from 'node:path';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { decompress } from '../../src/archive/compression.js';
import { extractWithGuestTar } from '../../src/archive/guest-tar-extract.js';
import { vetEntries, type Verdict } from '../../src/archive/vet-entries.js';
import { isAbsent, lstatOrNull } from '../../src/guest/stat-or-null.js';
import { readTarHeaders } from '../../src/parsers/tar-headers.js';
import { parseSize } from '../../src/parsers/size.js';
import { guestUser } from '../../src/users/guest-user.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { readZipMembers, writeZipMembers, type ZipMember } from './_shared/zip-members.js';

const DEFAULT_MAX_SIZE = '1G';
const DEFAULT_MAX_RATIO = 1000;
// Below this many bytes unpacked, any compression ratio is harmless.
const RATIO_FLOOR = 16 * 1024 * 1024;

interface ExtractResult {
  archive: string;
  format: 'tar' | 'zip';
  target: string;
  dryRun: boolean;
  owner: string | null;
  /** Bytes the members hold once extracted. */
  bytes: number;
  extracted: Verdict[];
  refused: Verdict[];
}

function isZip(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && ((data[2] === 3 && data[3] === 4) || (data[2] === 5 && data[3] === 6));
}

function checkRatio(what: string, unpacked: number, packed: number, maxRatio: number): void {
  if (maxRatio > 0 && unpacked > RATIO_FLOOR && unpacked > packed * maxRatio) {
    throw new CliError('failed', `extract: ${what} unpacks to ${unpacked} bytes from ${packed} (more than ${maxRatio}:1, --max-ratio): refused as a possible decompression bomb, nothing extracted`);
  }
}

async function targetDir(ctx: CommandContext, wanted: string, create: boolean): Promise<string> {
  const st = await lstatOrNull(ctx.guest.fs, wanted);
  if (!st && create) {
    await ctx.guest.prepareWrite?.();
    await ctx.guest.fs.mkdir(wanted, { parents: true, mode: 0o755 });
  }
  if (!st && !create) return posix.normalize(wanted);
  const real = await ctx.guest.fs.stat(wanted).catch((err: Error) => {
    throw new CliError('failed', `extract: the target ${wanted}: ${describeError(err)}`);
  });
  if (real.type !== 'directory') throw new CliError('usage', `extract: the target ${wanted} is not a directory`);
  return real.path;
}

export const extract = defineCommand({
  name: 'extract',
  category: 'advanced-file-operations',
  summary: 'Unpack a guest archive (tar, tar.gz, tar.zst, zip) inside the guest, refusing members that would leave the target and stopping at a size limit',
  description:
    'The format is recognised by content. Every member is checked before anything is written: an absolute name, a ".." component, a member below a symlink (from the archive or ' +
    'already in the guest), a symlink or hard link leading outside GUEST_DIR, and device nodes are refused and named; the others are extracted. A symlink pointing outside GUEST_DIR (etc/localtime -> /usr/share/zoneinfo/UTC in a copy of /etc) is refused too unless --outside-symlinks: the symlink is then kept as stored, and still nothing of the archive is extracted through it. ' +
    `The unpacked size is capped (--max-size, default ${DEFAULT_MAX_SIZE}: decompression stops there) and so is the compression ratio (--max-ratio, default ${DEFAULT_MAX_RATIO}:1 beyond 16 MiB); ` +
    "either stops the extraction before anything is written. tar: the guest's own GNU tar (in the jail on an image) extracts the accepted members with owners as stored (numeric), " +
    'modes, xattrs and ACLs. zip: inflated on the host (every size and CRC checked first) and written through the guest file system; zip stores no owners, so files belong to root. ' +
    '--owner USER (from the guest\'s passwd) then gives every extracted file and directory (not symlinks) to that user and its primary group. GUEST_DIR defaults to the current ' +
    'directory and is created when missing. A refused member makes the exit status 1 (--dry-run: 0).',
  examples: ['extract /root/etc.tar.gz /srv/restore --outside-symlinks', 'extract /tmp/site.zip /var/www/site --owner www-data', 'extract /root/upload.tar.zst /srv/x --dry-run --max-size 200M'],
  positionals: [
    { name: 'GUEST_ARCHIVE', description: 'the archive in the guest', complete: 'guest-path' },
    { name: 'GUEST_DIR', description: 'where to unpack (default: the current directory)', complete: 'guest-dir', optional: true },
  ],
  options: {
    owner: { type: 'string', complete: 'none', description: "give the extracted files to this guest user (and its primary group)" },
    'max-size': { type: 'string', complete: 'none', description: `largest total unpacked size (default ${DEFAULT_MAX_SIZE})` },
    'max-ratio': { type: 'string', complete: 'none', description: `largest unpacked/packed ratio beyond 16 MiB (default ${DEFAULT_MAX_RATIO}; 0: no check)` },
    'outside-symlinks': { type: 'boolean', description: 'also extract symlinks pointing outside GUEST_DIR (as stored; nothing is extracted through them)' },
    ...dryRunOption('list what would be extracted and refused, and write nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: (args, guestPath) => [guestPath(args.optStr('GUEST_DIR') ?? '.')] },
  async run(ctx, args): Promise<ExtractResult> {
    const archive = ctx.guestPath(args.str('GUEST_ARCHIVE'));
    let maxSize: number;
    try {
      maxSize = parseSize(args.optStr('max-size') ?? DEFAULT_MAX_SIZE);
    } catch (err) {
      throw new CliError('usage', `extract: --max-size: ${(err as Error).message}`);
    }
    const ratioText = args.optStr('max-ratio') ?? String(DEFAULT_MAX_RATIO);
    if (!/^\d+$/.test(ratioText)) throw new CliError('usage', `extract: --max-ratio must be a whole number, not '${ratioText}'`);
    const maxRatio = Number(ratioText);
    const ownerName = args.optStr('owner') ?? null;
    const owner = ownerName === null ? null : await guestUser(ctx.guest, ownerName);
    const dryRun = args.flag(DRY_RUN);

    const data = await ctx.guest.fs.readFile(archive).catch((err: Error) => {
      throw new CliError(isAbsent(err) ? 'not-found' : 'failed', `extract: reading ${archive}: ${describeError(err)}`);
    });
    const zip = isZip(data);
    let members: ZipMember[] = [];
    let tar: Buffer | null = null;
    let entries;
    if (zip) {
      members = readZipMembers(data, archive, maxSize);
      entries = members.map((m) => m.asTar);
    } else {
      tar = await decompress(data, archive, maxSize);
      try {
        entries = readTarHeaders(tar);
      } catch (err) {
        throw new CliError('failed', `extract: reading ${archive}: ${(err as Error).message}`);
      }
    }
    const bytes = entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    if (bytes > maxSize) throw new CliError('failed', `extract: the members of ${archive} hold ${bytes} bytes, more than --max-size ${maxSize}: refused as a possible decompression bomb, nothing extracted`);
    checkRatio(archive, Math.max(bytes, tar?.length ?? 0), data.length, maxRatio);

    const target = await targetDir(ctx, ctx.guestPath(args.optStr('GUEST_DIR') ?? '.'), !dryRun);
    const verdicts = await vetEntries(entries, {
      target,
      devices: false,
      deviceRefusal: 'device node (never extracted)',
      outsideSymlinks: args.flag('outside-symlinks'),
      isGuestSymlink: async (p) => (await lstatOrNull(ctx.guest.fs, p))?.type === 'symlink',
    });
    if (zip) verdicts.forEach((v, i) => { if (!v.refused && members[i]!.unsupported) v.refused = members[i]!.unsupported; });
    const extracted = verdicts.filter((v) => !v.refused);
    const refused = verdicts.filter((v) => v.refused);
    if (!dryRun && extracted.length > 0) {
      if (zip) {
        const accepted = verdicts.flatMap((v, i) => (v.refused ? [] : [{ member: members[i]!, guestPath: v.guestPath! }]));
        await writeZipMembers(ctx.guest, data, accepted, owner ?? { uid: 0, gid: 0 });
      } else {
        await extractWithGuestTar(ctx.guest, tar!, extracted.map((v) => v.name.replace(/(.)\/+$/, '$1')), target, { who: 'extract', signal: ctx.signal, note: (t) => ctx.out.note(t) });
        if (owner) {
          for (const v of extracted) {
            if (v.type === 'symlink' || v.guestPath === null) continue;
            await ctx.guest.fs.chown(v.guestPath, owner.uid, owner.gid).catch((err: Error) => {
              throw new CliError('failed', `extract: giving ${v.guestPath} to ${owner.name}: ${describeError(err)}`);
            });
          }
        }
      }
    }
    if (refused.length > 0 && !dryRun) ctx.setExitCode(1);
    return { archive, format: zip ? 'zip' : 'tar', target, dryRun, owner: owner?.name ?? null, bytes, extracted, refused };
  },
  render(r: ExtractResult, out: Output) {
    if (r.dryRun) for (const v of r.extracted) out.line(`  ${escapeForTerminal(v.guestPath ?? v.name)}`);
    out.line(`${r.dryRun ? 'would extract' : 'extracted'} ${r.extracted.length} member(s) (${r.bytes} bytes) of ${escapeForTerminal(r.archive)} into ${escapeForTerminal(r.target)}${r.owner ? `, owned by ${escapeForTerminal(r.owner)}` : ''}`);
    if (r.refused.length > 0) out.line(`refused ${r.refused.length} member(s):`);
    for (const v of r.refused) out.line(`  ${escapeForTerminal(v.name)}: ${escapeForTerminal(v.refused!)}`);
  },
});
