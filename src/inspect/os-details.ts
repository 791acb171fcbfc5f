// Finer facts than os-release gives, read from the distributions' own files (as virt-inspector does).

/** Debian's point release: os-release says "12", /etc/debian_version "12.7". */
export function debianPointRelease(versionId: string | null, debianVersion: string): string | null {
  const v = debianVersion.trim();
  if (!/^\d+\.\d+$/.test(v)) return null; // testing/unstable say "trixie/sid"
  if (versionId !== null && v.split('.')[0] !== versionId.split('.')[0]) return null;
  return v;
}

/** "Red Hat Enterprise Linux release 9.4 (Plow)", "CentOS Linux release 7.9.2009 (Core)", "Fedora release 40 (Forty)" → 9.4, 7.9, 40. */
export function redhatReleaseVersion(text: string): string | null {
  const m = /\brelease\s+(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1]!;
}

/** The more precise of two versions of the same release (9 and 9.4 → 9.4); different majors keep the first. */
export function preciser(version: string | null, other: string | null): string | null {
  if (!other) return version;
  if (!version) return other;
  if (version.split('.')[0] !== other.split('.')[0]) return version;
  return other.split('.').length > version.split('.').length ? other : version;
}

/** Packages dpkg has installed: stanzas of /var/lib/dpkg/status whose Status is "install ok installed". */
export function countDpkgInstalled(status: string): number {
  return status.split(/\n\s*\n/).filter((stanza) => /^Status:\s*install ok installed\s*$/m.test(stanza)).length;
}

/** Packages apk has installed: one "P:" line per package in /lib/apk/db/installed. */
export function countApkInstalled(installed: string): number {
  return installed.split('\n').filter((l) => l.startsWith('P:')).length;
}
