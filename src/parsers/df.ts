// `df -kPT` (GNU coreutils, busybox) or `df -kP` without the type column: POSIX output,
// one line per filesystem, sizes in 1024-byte blocks. The mount point is the rest of the
// line (it may contain spaces).

export interface DfRow {
  device: string;
  type: string | null;
  size: number;
  used: number;
  available: number;
  /** Percent used as df computes it (rounded up). */
  usePercent: number;
  mountpoint: string;
}

export function parseDf(text: string): DfRow[] {
  const lines = text.split('\n');
  const header = lines.find((l) => /^Filesystem\s/.test(l)) ?? '';
  const typed = /^Filesystem\s+Type\s/.test(header);
  const re = typed
    ? /^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%?\s+(\/.*)$/
    : /^(\S+)\s+()(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%?\s+(\/.*)$/;
  const rows: DfRow[] = [];
  for (const line of lines) {
    const m = re.exec(line.trimEnd());
    if (!m) continue;
    rows.push({
      device: m[1]!,
      type: typed ? m[2]! : null,
      size: Number(m[3]) * 1024,
      used: Number(m[4]) * 1024,
      available: Number(m[5]) * 1024,
      usePercent: m[6] === '-' ? 0 : Number(m[6]),
      mountpoint: m[7]!,
    });
  }
  return rows;
}

/** Memory-backed and kernel filesystems: not disk usage. */
export const PSEUDO_FS = new Set(['tmpfs', 'devtmpfs', 'ramfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'efivarfs', 'securityfs', 'debugfs', 'tracefs']);

export function isDiskFilesystem(r: DfRow): boolean {
  if (r.type) return !PSEUDO_FS.has(r.type);
  return !['tmpfs', 'devtmpfs', 'udev', 'none', 'shm', 'run'].includes(r.device);
}
