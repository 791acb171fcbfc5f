import type { DriveLetter, MountInfo } from '../guest/types.js';
import { CliError } from '../util/errors.js';

// Pure: a path typed the Windows way (C:\Windows\System32, \Users, Users\Public) to the guest
// path of the mounted image. The drive letter names a partition (SYSTEM\MountedDevices); its
// mount point gives the directory. The system drive (SystemRoot's) is the root even without a
// MountedDevices entry: the root of an offline Windows guest is its system volume. Names keep
// the case typed; the guest fs looks them up ignoring case.

export interface WindowsLayout {
  drives?: readonly DriveLetter[];
  systemDrive?: string | null;
}

const DRIVE = /^([A-Za-z]):(.*)$/s;

export function looksLikeWindowsPath(p: string): boolean {
  return DRIVE.test(p) || p.includes('\\');
}

/** The guest path (absolute, or relative when `p` was) for a Windows-style path; others unchanged. */
export function windowsToGuestPath(p: string, layout: WindowsLayout, mounts: readonly MountInfo[]): string {
  if (!looksLikeWindowsPath(p)) return p;
  if (p.startsWith('\\\\')) throw new CliError('usage', `${p}: network paths (\\\\server\\share) are not in the image`);
  const m = DRIVE.exec(p);
  const rest = (m ? m[2]! : p).replace(/\\/g, '/');
  if (!m) return rest;
  if (!rest.startsWith('/')) throw new CliError('usage', `${p}: a drive-relative path; give the full path (${m[1]!.toUpperCase()}:\\...)`);
  const top = driveDirectory(`${m[1]!.toUpperCase()}:`, layout, mounts);
  return top === '/' ? rest : `${top}${rest === '/' ? '' : rest}`;
}

function driveDirectory(letter: string, layout: WindowsLayout, mounts: readonly MountInfo[]): string {
  const drive = layout.drives?.find((d) => d.letter === letter);
  if (drive?.device) {
    const mount = mounts.find((mt) => mt.device === drive.device);
    if (mount) return mount.mountpoint;
    if (letter !== layout.systemDrive) throw new CliError('not-found', `drive ${letter} is ${drive.device}, which is not mounted (mount ${drive.device} DIR)`);
  }
  if (letter === layout.systemDrive) return '/';
  if (drive) throw new CliError('not-found', `drive ${letter} is on no partition of this image (another disk?)`);
  throw new CliError('not-found', `no drive ${letter} in this guest (drives: ${knownLetters(layout)})`);
}

function knownLetters(layout: WindowsLayout): string {
  const letters = new Set([...(layout.systemDrive ? [layout.systemDrive] : []), ...(layout.drives ?? []).map((d) => d.letter)]);
  return letters.size > 0 ? [...letters].sort().join(' ') : 'none known';
}
