// Which package database a guest has, and its installed packages. The inspected package
// format is tried first; then every known database in turn, so a guest whose facts are
// unknown (or wrong) is still read from what is on its disk.
import type { Guest } from '../guest/types.js';
import { isDir, isFile } from '../guest/stat-or-null.js';
import { parseApkInstalled } from '../parsers/apk-installed.js';
import { parseDpkgStatus } from '../parsers/dpkg-status.js';
import { parsePacmanDesc } from '../parsers/pacman-desc.js';
import { CliError } from '../util/errors.js';
import type { InstalledPackage } from './installed-package.js';
import { queryRpm } from './rpm-query.js';

export type PackageFormat = 'deb' | 'rpm' | 'pacman' | 'apk';

interface Database {
  format: PackageFormat;
  /** Where it lives; the first path that exists (with the right type) selects it. */
  paths: string[];
  type: 'file' | 'directory';
  read(guest: Guest, path: string, signal?: AbortSignal): Promise<InstalledPackage[]>;
}

const DATABASES: Database[] = [
  { format: 'deb', paths: ['/var/lib/dpkg/status'], type: 'file', read: async (g, p) => parseDpkgStatus(await readText(g, p)) },
  { format: 'rpm', paths: ['/var/lib/rpm', '/usr/lib/sysimage/rpm'], type: 'directory', read: (g, _p, signal) => queryRpm(g, signal) },
  { format: 'pacman', paths: ['/var/lib/pacman/local'], type: 'directory', read: readPacmanLocal },
  { format: 'apk', paths: ['/lib/apk/db/installed'], type: 'file', read: async (g, p) => parseApkInstalled(await readText(g, p)) },
];

export interface InstalledList {
  format: PackageFormat;
  /** The database read (for rpm: the directory the guest's rpm reads). */
  database: string;
  packages: InstalledPackage[];
}

export async function installedPackages(guest: Guest, signal?: AbortSignal): Promise<InstalledList> {
  const preferred = DATABASES.filter((d) => d.format === guest.os.packageFormat);
  for (const db of [...preferred, ...DATABASES.filter((d) => !preferred.includes(d))]) {
    for (const path of db.paths) {
      if (!(await (db.type === 'file' ? isFile : isDir)(guest.fs, path))) continue;
      const packages = await db.read(guest, path, signal);
      return { format: db.format, database: path, packages: packages.sort(byNameThenArch) };
    }
  }
  const looked = DATABASES.flatMap((d) => d.paths).join(', ');
  throw new CliError('not-found', `no package database found: looked for ${looked}`);
}

function byNameThenArch(a: InstalledPackage, b: InstalledPackage): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0;
}

async function readText(guest: Guest, path: string): Promise<string> {
  try {
    return (await guest.fs.readFile(path)).toString('utf8');
  } catch (err) {
    throw new CliError('failed', `reading the package database ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Each package is a directory NAME-VERSION-REL holding a `desc` file; read a few at a time. */
async function readPacmanLocal(guest: Guest, dir: string): Promise<InstalledPackage[]> {
  const entries = (await guest.fs.list(dir)).filter((e) => e.type === 'directory');
  const packages: InstalledPackage[] = [];
  const BATCH = 16;
  for (let i = 0; i < entries.length; i += BATCH) {
    const descs = await Promise.all(entries.slice(i, i + BATCH).map((e) => readText(guest, `${dir}/${e.name}/desc`)));
    for (const text of descs) {
      const p = parsePacmanDesc(text);
      if (p) packages.push(p);
    }
  }
  return packages;
}
