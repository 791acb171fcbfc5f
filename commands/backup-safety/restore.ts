import { promises as fsp } from 'node:fs';
import { posix, resolve } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { isAbsent, lstatOrNull } from '../../src/guest/stat-or-null.js';
import { readTarHeaders } from '../../src/parsers/tar-headers.js';
import { CliError } from '../../src/util/errors.js';
import { decompress } from '../../src/archive/compression.js';
import { GUEST_STORE } from './_shared/create-archive.js';
import { extractWithGuestTar } from '../../src/archive/guest-tar-extract.js';
import { vetEntries, type Verdict } from '../../src/archive/vet-entries.js';

interface RestoreResult {
  archive: string;
  target: string;
  dryRun: boolean;
  restored: Verdict[];
  refused: Verdict[];
}

async function readArchive(ctx: CommandContext, arg: string): Promise<{ name: string; data: Buffer }> {
  if (arg.startsWith('host:')) {
    const file = resolve(arg.slice('host:'.length));
    const data = await fsp.readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(err.code === 'ENOENT' ? 'not-found' : 'failed', `restore: reading the host file ${file}: ${err.message}`);
    });
    return { name: `host:${file}`, data };
  }
  const path = arg.includes('/') ? ctx.guestPath(arg) : posix.join(GUEST_STORE, arg);
  const data = await ctx.guest.fs.readFile(path).catch((err: Error) => {
    throw new CliError(isAbsent(err) ? 'not-found' : 'failed', `restore: reading the guest archive ${path}: ${err.message}`);
  });
  return { name: path, data };
}

export const restore = defineCommand({
  name: 'restore',
  category: 'backup-safety',
  summary: 'Restore a tar archive into the guest with its owners, modes, times, xattrs and ACLs, refusing members that would leave the target',
  description:
    `ARCHIVE is host:PATH for a host file, a guest path, or a bare name of ${GUEST_STORE} (as \`backups\` lists them); gzip and zstd are recognised by content. ` +
    'Every member is checked before anything is written: an absolute name, a ".." component, a hard link to such a name, a symlink whose target leads outside the target directory, ' +
    'a member below a symlink (one from the archive or one already in the guest), and device nodes (unless --devices) are refused and named; the others are extracted by the ' +
    "guest's own tar (in the jail on an image), so even a mistake cannot write a host file. --to defaults to / (in place, as tar -C / does). A restore that refused a member exits with status 1 (--dry-run exits 0).",
  examples: ['restore host:/srv/backups/web1-etc.tar.gz --to /', 'restore etc-20260101T000000Z.tar.gz --to /srv/restored --dry-run', 'restore /root/old.tar --to /tmp/old'],
  positionals: [{ name: 'ARCHIVE', complete: 'guest-path', hostPath: (v: string) => (v.startsWith('host:') ? v.slice('host:'.length) : undefined), description: 'host:PATH, a guest path, or a backup name' }],
  options: {
    to: { type: 'string', complete: 'guest-path', description: 'guest directory to restore into (default /)' },
    devices: { type: 'boolean', description: 'also restore device nodes' },
    ...dryRunOption('list what would be restored and refused, and write nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  async run(ctx, args): Promise<RestoreResult> {
    const { name, data } = await readArchive(ctx, args.str('ARCHIVE'));
    const tar = await decompress(data, name);
    let entries;
    try {
      entries = readTarHeaders(tar);
    } catch (err) {
      throw new CliError('failed', `restore: reading ${name}: ${(err as Error).message}`);
    }
    const wanted = ctx.guestPath(args.optStr('to') ?? '/');
    const st = await ctx.guest.fs.stat(wanted).catch((err: Error) => {
      throw new CliError(isAbsent(err) ? 'not-found' : 'failed', `restore: the target ${wanted}: ${err.message}`);
    });
    if (st.type !== 'directory') throw new CliError('usage', `restore: the target ${wanted} is not a directory`);
    const target = st.path;
    const verdicts = await vetEntries(entries, {
      target,
      devices: args.flag('devices'),
      isGuestSymlink: async (p) => (await lstatOrNull(ctx.guest.fs, p))?.type === 'symlink',
    });
    const restored = verdicts.filter((v) => !v.refused);
    const refused = verdicts.filter((v) => v.refused);
    const dryRun = args.flag(DRY_RUN);
    if (!dryRun && restored.length > 0) await extractWithGuestTar(ctx.guest, tar, restored.map((v) => v.name.replace(/(.)\/+$/, '$1')), target, { who: 'restore', signal: ctx.signal, note: (t) => ctx.out.note(t) });
    if (refused.length > 0 && !dryRun) ctx.setExitCode(1);
    return { archive: name, target, dryRun, restored, refused };
  },
  render(r: RestoreResult, out: Output) {
    const verb = r.dryRun ? 'would restore' : 'restored';
    if (r.dryRun) for (const v of r.restored) out.line(`  ${escapeForTerminal(v.guestPath ?? v.name)}`);
    out.line(`${verb} ${r.restored.length} member(s) of ${escapeForTerminal(r.archive)} into ${escapeForTerminal(r.target)}`);
    if (r.refused.length > 0) out.line(`refused ${r.refused.length} member(s):`);
    for (const v of r.refused) out.line(`  ${escapeForTerminal(v.name)}: ${escapeForTerminal(v.refused!)}`);
  },
});
