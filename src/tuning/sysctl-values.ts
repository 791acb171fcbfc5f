import { normalizeSysctlKey } from '../parsers/sysctl.js';

// What tune-set accepts: a key name that is one /proc/sys file, and for the keys whose range is
// well known, a value the kernel would take. Pure.

/** The dotted key, or a sentence saying why `raw` is not a key name. */
export function checkSysctlKey(raw: string): { key: string } | { error: string } {
  if (raw === '' || /[\s=]/.test(raw)) return { error: `not a sysctl key (no spaces or '='): '${raw}'` };
  if (/[*?[\]]/.test(raw)) return { error: `a key, not a pattern, is needed: '${raw}'` };
  if (raw.startsWith('-')) return { error: `a key cannot start with '-': '${raw}'` };
  const key = normalizeSysctlKey(raw);
  const parts = key.split('.');
  if (parts.some((p) => p === '' || p === '..' || p.split('/').some((q) => q === '' || q === '.' || q === '..')))
    return { error: `not a sysctl key (empty or '.'/'..' component): '${raw}'` };
  if (!/^[\x21-\x7e]+$/.test(key)) return { error: `not a sysctl key (printable ASCII only): '${raw}'` };
  return { key };
}

interface IntRange {
  min: number;
  max: number;
  note?: string;
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const INT_MAX = 2147483647;

// Ranges from the kernel's Documentation/admin-guide/sysctl and the handlers' bounds, grouped by range.
const RANGE_GROUPS: [IntRange, string[]][] = [
  [{ min: 0, max: 1 }, ['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.ipv6.conf.all.forwarding', 'fs.protected_symlinks', 'fs.protected_hardlinks', 'kernel.dmesg_restrict', 'kernel.panic_on_oops']],
  [{ min: 0, max: 2 }, ['vm.overcommit_memory', 'net.ipv4.tcp_syncookies', 'fs.protected_fifos', 'fs.protected_regular', 'fs.suid_dumpable', 'kernel.randomize_va_space', 'kernel.kptr_restrict', 'kernel.unprivileged_bpf_disabled']],
  [{ min: 0, max: 3 }, ['kernel.yama.ptrace_scope']],
  [{ min: 0, max: 100 }, ['vm.dirty_ratio', 'vm.dirty_background_ratio']],
  // 0-200 since Linux 5.8; older kernels cap at 100.
  [{ min: 0, max: 200, note: 'values above 100 need Linux 5.8 or later' }, ['vm.swappiness']],
  [{ min: 0, max: 511 }, ['kernel.sysrq']],
  [{ min: 301, max: 4194304 }, ['kernel.pid_max']],
  [{ min: 0, max: INT_MAX }, ['vm.max_map_count', 'net.core.somaxconn']],
  [{ min: 1, max: INT_MAX }, ['fs.inotify.max_user_watches']],
  [{ min: 0, max: UNBOUNDED }, ['vm.overcommit_ratio', 'vm.vfs_cache_pressure']],
  [{ min: 1, max: UNBOUNDED }, ['fs.file-max']],
];

const INT_RANGES = new Map(RANGE_GROUPS.flatMap(([range, keys]) => keys.map((k) => [k, range] as const)));

export function knownSysctlRange(key: string): IntRange | undefined {
  return INT_RANGES.get(key);
}

/** null when `value` is acceptable for `key`, else the sentence why not. Unknown keys take any one-line value. */
export function checkSysctlValue(key: string, value: string): string | null {
  if (value.trim() === '' || /[\n\r]/.test(value)) return `a value for ${key} must be one non-empty line`;
  const range = INT_RANGES.get(key);
  if (!range) return null;
  const wanted = range.max === UNBOUNDED ? `an integer of at least ${range.min}` : `an integer from ${range.min} to ${range.max}`;
  if (!/^-?\d+$/.test(value.trim())) return `${key} takes ${wanted}, not '${value}'`;
  const n = Number(value.trim());
  if (n < range.min || n > range.max) return `${key} takes ${wanted}, not ${value.trim()}`;
  return null;
}
