import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { ProgressReporter } from '../../src/shell/progress.js';
import { resolveGuestPath } from '../../src/guest/resolve.js';
import { isAbsent } from '../../src/guest/stat-or-null.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';
import { compressionOf } from '../../src/archive/compression.js';
import { GUEST_STORE, fsyncHostFile, guestFileToHost, guestTar, hostTar, memberNames, sha256OfHostFile, tempNameFor, type CreateSpec } from './_shared/create-archive.js';
import { guestFileDigest } from '../../src/guest/file-digest.js';
import { guestTempDir } from '../../src/archive/guest-temp.js';
import { appendRecord, imageIdentity, indexPath } from './_shared/host-index.js';
import { countMembers } from './_shared/backup-plan.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

interface BackupResult {
  paths: string[];
  where: 'host' | 'guest';
  file: string;
  size: number;
  sha256: string;
  date: string;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Whatever happens, the temp file does not outlive the attempt. */
async function withHostTemp<T>(dest: string, work: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = tempNameFor(dest);
  try {
    return await work(tmp);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** On a terminal, the allocated size of the paths (the backend's du fast path) as the total to show. */
async function progressFor(ctx: CommandContext, paths: string[]): Promise<{ reporter: ProgressReporter; onBytes?: (bytes: number) => void }> {
  const label = `archiving ${paths.join(' ')}`;
  const du = ctx.guest.fs.diskUsage?.bind(ctx.guest.fs);
  if (!du || !ctx.out.isTTY || ctx.json || ctx.guest.kind === 'live') return { reporter: ctx.out.progress(label) };
  let total = 0;
  for (const p of paths) total += (await du(p, 0, ctx.signal)).rows.at(-1)?.size ?? 0;
  const reporter = ctx.out.progress(label, { amount: total, text: formatBytes(total) });
  return { reporter, onBytes: (bytes) => reporter.update(Math.min(bytes, total)) };
}

async function toHost(ctx: CommandContext, spec: CreateSpec, dest: string, onBytes?: (bytes: number) => void): Promise<void> {
  const existing = await fsp.lstat(dest).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new CliError('failed', `backup: checking ${dest} on the host: ${err.message}`);
  });
  if (existing) throw new CliError('exists', `backup: ${dest} already exists on the host`);
  await withHostTemp(dest, async (tmp) => {
    if (ctx.guest.root && !spec.live) {
      await hostTar(ctx, spec, tmp, onBytes);
    } else {
      const guestTmp = `${await guestTempDir(ctx.guest.fs)}/.guestctl-backup-${posix.basename(tmp)}`;
      try {
        await guestTar(ctx, spec, guestTmp);
        await guestFileToHost(ctx, guestTmp, tmp);
      } finally {
        await ctx.guest.fs.remove(guestTmp).catch((err: Error) => {
          if (!isAbsent(err)) ctx.out.note(`removing ${guestTmp} from the guest: ${err.message}`);
        });
      }
    }
    await fsyncHostFile(tmp);
    await fsp.chmod(tmp, 0o600);
    await fsp.rename(tmp, dest);
  });
}

/** Into the guest's /var/backups/guestctl (0700), root:root 0600, renamed into place. */
async function toGuest(ctx: CommandContext, spec: CreateSpec, name: string, onBytes?: (bytes: number) => void): Promise<{ file: string; size: number; sha256: string }> {
  await ctx.guest.prepareWrite?.();
  await ctx.guest.fs.mkdir(GUEST_STORE, { parents: true, mode: 0o700 });
  const store = await ctx.guest.fs.realpath(GUEST_STORE);
  const file = posix.join(store, name);
  const tmpName = `.${name}.tmp`;
  const tmp = posix.join(store, tmpName);
  try {
    if (ctx.guest.root && !spec.live) {
      const dir = resolveGuestPath(ctx.guest.root, store);
      if (dir.kind !== 'directory') throw new CliError('failed', `backup: ${store} is not a directory in the guest`);
      const hostTmp = `${dir.hostPath}/${tmpName}`;
      await hostTar(ctx, spec, hostTmp, onBytes);
      await fsyncHostFile(hostTmp);
    } else {
      await guestTar(ctx, spec, tmp);
    }
    await ctx.guest.fs.chown(tmp, 0, 0);
    await ctx.guest.fs.chmod(tmp, 0o600);
    await ctx.guest.fs.rename(tmp, file);
  } catch (err) {
    await ctx.guest.fs.remove(tmp).catch((cleanupErr: Error) => {
      if (!isAbsent(cleanupErr)) ctx.out.note(`removing ${tmp} from the guest: ${cleanupErr.message}`);
    });
    throw err;
  }
  const st = await ctx.guest.fs.stat(file);
  const sha256 = await guestFileDigest(ctx.guest.fs, file, 'sha256', ctx.signal);
  return { file, size: st.size, sha256 };
}

/** The name of a backup kept in the guest: after its one path (root for /), else "paths". */
function guestArchiveName(paths: string[], date: Date): string {
  const label = paths.length === 1 && paths[0] !== '/' ? posix.basename(paths[0]!) : paths[0] === '/' ? 'root' : 'paths';
  return `${label}-${stamp(date)}.tar.gz`;
}

/** --dry-run: the archive it would write and what would go in, checked as the real run checks. */
async function planBackup(ctx: CommandContext, paths: string[], to: string | undefined, excludes: string[], date: Date): Promise<DryRunPlan> {
  memberNames(ctx, paths); // a missing PATH fails as it would for real
  const live = ctx.guest.kind === 'live';
  let archive: string;
  if (to) {
    archive = resolve(to);
    compressionOf(archive);
    const there = await fsp.lstat(archive).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new CliError('failed', `backup: checking ${archive} on the host: ${err.message}`);
    });
    if (there) throw new CliError('exists', `backup: ${archive} already exists on the host`);
  } else archive = posix.join(GUEST_STORE, guestArchiveName(paths, date));
  const c = await countMembers(ctx, paths, { excludes, skipStore: !to, live });
  const where = to ? 'the host file' : 'the guest file';
  const actions = [`write ${where} ${archive}: ${c.members} members (${c.files} files, ${c.directories} directories, ${formatBytes(c.bytes)} of file data before compression)`];
  if (c.unreadable.length > 0) actions.push(`fail on ${c.unreadable.length} unreadable paths: ${c.unreadable.slice(0, 3).join(', ')}${c.unreadable.length > 3 ? ', ...' : ''}`);
  return dryRunPlan(actions);
}

export const backup = defineCommand({
  name: 'backup',
  category: 'backup-safety',
  summary: 'Archive guest paths (owners, modes, times, hard links, sparse files, xattrs, ACLs) to a host file or into the guest',
  description:
    'A POSIX (pax) tar with numeric owners, compressed by the name: .tar, .tar.gz/.tgz (gzip) or .tar.zst (zstd). Symlinks are archived as symlinks, never followed; ' +
    'each PATH is resolved inside the guest (a symlink in a PATH component leads inside the guest, never to the host). ' +
    `With --to the archive goes to a new host file (a temp file next to it, renamed when complete) and is recorded in the host index ($XDG_DATA_HOME/guestctl/backups.jsonl); ` +
    `without, it is kept in the guest as ${GUEST_STORE}/NAME-TIMESTAMP.tar.gz (root, 0600), and that directory is left out of the archive. ` +
    'On an image the host tar reads the mounted guest (its /boot and other mounted filesystems included); on a running guest the guest tar runs through the agent, without /proc, /sys, /dev and /run contents.',
  examples: ['backup /etc /home --to /srv/backups/web1-etc.tar.gz', 'backup /etc', 'backup /var/www --exclude "*.log" --to www.tar.zst', 'backup /etc --dry-run'],
  positionals: [{ name: 'PATH', variadic: true, complete: 'guest-path', description: 'guest files or directories' }],
  options: {
    to: { type: 'string', complete: 'host-path', description: 'host file to write (.tar, .tar.gz, .tgz, .tar.zst)' },
    exclude: { type: 'string', multiple: true, description: 'leave out members matching this GNU tar glob' },
    ...dryRunOption('name the archive it would write and count its members (files, directories, bytes before compression); write nothing'),
  },
  needs: ['fs'],
  mutates: (args) => args.optStr('to') === undefined,
  journal: { trees: ['/var/backups/guestctl'] },
  async run(ctx, args): Promise<BackupResult | DryRunPlan> {
    const paths = args.list('PATH').map((p) => ctx.guestPath(p));
    if (paths.length === 0) throw new CliError('usage', 'backup: name at least one guest PATH');
    const to = args.optStr('to');
    const live = ctx.guest.kind === 'live';
    if (!ctx.guest.root && !ctx.guest.capabilities.has('exec')) throw new CliError('unsupported', 'backup: this guest can neither be read by the host tar nor run its own');
    const date = new Date();
    if (args.flag(DRY_RUN)) return planBackup(ctx, paths, to, args.list('exclude'), date);
    const { reporter: progress, onBytes } = await progressFor(ctx, paths);
    try {
      if (to) {
        const dest = resolve(to);
        const spec: CreateSpec = { members: memberNames(ctx, paths), compression: compressionOf(dest), excludes: args.list('exclude'), skipStore: false, live };
        await toHost(ctx, spec, dest, onBytes);
        const size = (await fsp.stat(dest)).size;
        const sha256 = await sha256OfHostFile(dest);
        await appendRecord(indexPath(ctx.env), { image: imageIdentity(ctx.guest), file: dest, date: date.toISOString(), paths, size, sha256 });
        return { paths, where: 'host', file: dest, size, sha256, date: date.toISOString() };
      }
      const spec: CreateSpec = { members: memberNames(ctx, paths), compression: 'gzip', excludes: args.list('exclude'), skipStore: true, live };
      const done = await toGuest(ctx, spec, guestArchiveName(paths, date), onBytes);
      return { paths, where: 'guest', ...done, date: date.toISOString() };
    } finally {
      progress.end();
    }
  },
  render(r: BackupResult | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(`backed up ${r.paths.join(' ')} to ${r.where === 'guest' ? 'the guest file ' : ''}${r.file} (${formatBytes(r.size)}, sha256 ${r.sha256})`);
  },
});
