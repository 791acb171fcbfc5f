import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { InstalledPackage } from '../../src/packages/installed-package.js';
import { installedPackages } from '../../src/packages/installed.js';
import { GlobError, globMatcher } from '../../src/parsers/glob.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';

export const packages = defineCommand({
  name: 'packages',
  category: 'package-management',
  summary: 'Installed packages: name, version, architecture, installed size and summary',
  description:
    "Read from the guest's own package database: dpkg's /var/lib/dpkg/status (only packages dpkg calls installed, not " +
    "removed ones whose configuration is kept), pacman's /var/lib/pacman/local, apk's /lib/apk/db/installed, and for rpm " +
    "the guest's own `rpm -qa` (its database is sqlite or Berkeley DB). PATTERN is a shell glob on the package name. " +
    'With --json (session option): one object per package, installedSize in bytes.',
  examples: ['packages', "packages 'openssh*'", 'packages bash'],
  positionals: [{ name: 'PATTERN', description: 'a glob on the package name (default: every package)', optional: true, complete: 'none' }],
  needs: ['fs'],
  async run(ctx, args) {
    const pattern = args.optStr('PATTERN');
    let match: (name: string) => boolean = () => true;
    if (pattern !== undefined) {
      try {
        match = globMatcher(pattern);
      } catch (err) {
        if (err instanceof GlobError || err instanceof SyntaxError) throw new CliError('usage', `invalid pattern '${pattern}': ${err.message}`);
        throw err;
      }
    }
    const list = await installedPackages(ctx.guest, ctx.signal);
    return list.packages.filter((p) => match(p.name));
  },
  render(rows: InstalledPackage[], out: Output) {
    out.table(
      ['NAME', 'VERSION', 'ARCH', 'SIZE', 'SUMMARY'],
      rows.map((p) => [p.name, p.version, p.arch, p.installedSize === null ? '' : formatBytes(p.installedSize), p.summary]),
      { rightAlign: [3] },
    );
  },
});
