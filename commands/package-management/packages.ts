import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { InstalledPackage } from '../../src/packages/installed-package.js';
import { installedPackages } from '../../src/packages/installed.js';
import { staleListsNote, upgradablePackages } from '../../src/packages/check-updates/index.js';
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
    'With --json (session option): one object per package, installedSize in bytes. ' +
    "--upgradable keeps the packages the guest's CURRENT package lists have a newer version of (nothing is refreshed: as " +
    '`apt list --upgradable`; apt: `apt-get -s dist-upgrade`, dnf/yum: `check-update -C`, zypper: `list-updates --no-refresh`, ' +
    "apk: `apk version -l '<'`, pacman: `pacman -Qu`) and adds the candidate version; check-updates refreshes the lists first.",
  examples: ['packages', "packages 'openssh*'", 'packages bash', 'packages --upgradable'],
  positionals: [{ name: 'PATTERN', description: 'a glob on the package name (default: every package)', optional: true, complete: 'none' }],
  options: {
    upgradable: { type: 'boolean', description: "only packages with a newer version in the guest's current package lists (needs the guest's manager)" },
  },
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
    const rows: (InstalledPackage & { candidate?: string })[] = list.packages.filter((p) => match(p.name));
    if (!args.flag('upgradable')) return rows;
    if (!ctx.guest.capabilities.has('exec')) throw new CliError('unsupported', "packages --upgradable needs the guest's package manager, and this guest cannot run programs");
    const check = await upgradablePackages({ guest: ctx.guest, signal: ctx.signal });
    const note = await staleListsNote(ctx.guest, check);
    if (note) ctx.out.note(note);
    // apk and pacman print no architecture: their rows match on the name alone.
    const candidates = new Map(check.updates.map((u) => [`${u.name}\t${u.arch}`, u.candidate]));
    const candidate = (p: InstalledPackage) => candidates.get(`${p.name}\t${p.arch}`) ?? candidates.get(`${p.name}\t`);
    return rows.flatMap((p) => {
      const c = candidate(p);
      return c === undefined ? [] : [{ ...p, candidate: c }];
    });
  },
  render(rows: (InstalledPackage & { candidate?: string })[], out: Output) {
    const upgradable = rows.some((p) => p.candidate !== undefined);
    out.table(
      ['NAME', 'VERSION', ...(upgradable ? ['CANDIDATE'] : []), 'ARCH', 'SIZE', 'SUMMARY'],
      rows.map((p) => [p.name, p.version, ...(upgradable ? [p.candidate ?? ''] : []), p.arch, p.installedSize === null ? '' : formatBytes(p.installedSize), p.summary]),
      { rightAlign: [upgradable ? 4 : 3] },
    );
  },
});
