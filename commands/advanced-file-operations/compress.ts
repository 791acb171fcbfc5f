import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { compressionOf, tarFlag } from '../../src/archive/compression.js';
import { isAbsent } from '../../src/guest/stat-or-null.js';
import { firstLine } from '../../src/util/run-tool.js';
import { CliError, describeError } from '../../src/util/errors.js';

interface CompressResult {
  archive: string;
  format: 'tar' | 'tar.gz' | 'tar.zst' | 'zip';
  paths: string[];
  dryRun: boolean;
  argv: string[];
  bytes: number | null;
}

function formatOf(archive: string): CompressResult['format'] {
  if (archive.endsWith('.zip')) return 'zip';
  const c = compressionOf(archive);
  return c === 'gzip' ? 'tar.gz' : c === 'zstd' ? 'tar.zst' : 'tar';
}

/** The guest program's argv: members named relative to / (tar -C /), so the archive holds no absolute name. */
function archiveArgv(format: CompressResult['format'], file: string, members: string[]): string[] {
  if (format === 'zip') return ['zip', '--quiet', '--recurse-paths', '--symlinks', file, '--', ...members];
  return ['tar', '--create', `--file=${file}`, ...tarFlag(compressionOf(`x.${format}`)), '--xattrs', '--xattrs-include=*', '--acls', '--sparse', '--directory=/', '--', ...members];
}

export const compress = defineCommand({
  name: 'compress',
  category: 'advanced-file-operations',
  summary: "Pack guest files into an archive inside the guest with the guest's own tar or zip",
  description:
    'The format comes from the name given to --to: .tar.gz or .tgz, .tar.zst or .tzst, .tar, or .zip. tar keeps owners (names and numbers), modes, times, xattrs, ACLs and sparse files; ' +
    'zip stores symlinks as links (zip -y) but no owners. Members are stored relative to / (etc/hosts, as tar -C / etc does). The archive is written under a temporary name next to ' +
    'GUEST_ARCHIVE, made mode 0600 (it may hold /etc/shadow), then renamed into place, replacing an older file of that name. Runs in the jail on an image, through the agent on a live VM; ' +
    "a guest without tar (or zip) is an error naming it.",
  examples: ['compress /etc --to /root/etc.tar.gz', 'compress /var/www /etc/nginx --to /root/site.tar.zst', 'compress /srv/data --to /root/data.zip --dry-run'],
  positionals: [{ name: 'PATH', description: 'guest files or directories', complete: 'guest-path', variadic: true }],
  options: {
    to: { type: 'string', complete: 'guest-path', description: 'the guest archive to write (required)' },
    ...dryRunOption('show the command that would run, and write nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: (args, guestPath) => { const to = args.optStr('to'); return to === undefined ? [] : [guestPath(to)]; } },
  async run(ctx, args): Promise<CompressResult> {
    const to = args.optStr('to');
    if (!to) throw new CliError('usage', 'compress: --to GUEST_ARCHIVE is required');
    const archive = ctx.guestPath(to);
    const format = formatOf(archive);
    const paths = args.list('PATH').map((p) => posix.normalize(ctx.guestPath(p)));
    for (const p of paths) {
      if (p === '/') throw new CliError('usage', 'compress: refusing to pack the whole guest root (/); name directories');
      await ctx.guest.fs.lstat(p).catch((err: Error) => {
        throw new CliError(isAbsent(err) ? 'not-found' : 'failed', `compress: ${p}: ${describeError(err)}`);
      });
    }
    const members = paths.map((p) => p.replace(/^\/+/, ''));
    const dryRun = args.flag(DRY_RUN);
    const dir = posix.dirname(archive);
    const temp = posix.join(dir, `.${posix.basename(archive)}.guestctl-${randomBytes(4).toString('hex')}${format === 'zip' ? '.zip' : ''}`);
    const argv = archiveArgv(format, temp, members);
    if (dryRun) return { archive, format, paths, dryRun, argv: archiveArgv(format, archive, members), bytes: null };
    await ctx.guest.prepareWrite?.();
    // zip works from the current directory; tar is told -C /.
    const run = format === 'zip' ? ['sh', '-c', 'cd / && exec "$@"', 'sh', ...argv] : argv;
    const r = await ctx.guest.exec(run, { signal: ctx.signal });
    const removeTemp = async (): Promise<void> => {
      await ctx.guest.fs.remove(temp).catch((err: Error) => {
        if (!isAbsent(err)) ctx.out.note(`removing ${temp}: ${describeError(err)}`);
      });
    };
    if (r.code !== 0) {
      await removeTemp();
      if (r.code === 127) throw new CliError('missing-tool', `compress: the guest has no ${argv[0]} (${firstLine(r.stderr) || 'not found'}); install it in the guest`);
      throw new CliError('failed', `compress: the guest's ${argv[0]} failed (exit ${r.code}): ${firstLine(r.stderr.trim().split('\n').slice(-1)[0] ?? '')}`);
    }
    try {
      await ctx.guest.fs.chmod(temp, 0o600);
      await ctx.guest.fs.rename(temp, archive);
    } catch (err) {
      await removeTemp();
      throw new CliError('failed', `compress: moving the archive into place at ${archive}: ${describeError(err)}`);
    }
    const st = await ctx.guest.fs.stat(archive);
    return { archive, format, paths, dryRun, argv, bytes: st.size };
  },
  render(r: CompressResult, out: Output) {
    if (r.dryRun) {
      out.line(`would run in the guest: ${r.argv.map((a) => escapeForTerminal(a)).join(' ')}`);
      return;
    }
    out.line(`wrote ${escapeForTerminal(r.archive)} (${r.format}, ${r.bytes} bytes) from ${r.paths.map((p) => escapeForTerminal(p)).join(', ')}`);
  },
});
