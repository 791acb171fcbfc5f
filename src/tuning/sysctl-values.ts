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

// Ranges from the kernel's Documentation/admin-guide/sysctl and the handlers' bounds.
const INT_RANGES: Record<string, IntRange> = {
  // 0-200 since Linux 5.8; older kernels cap at 100.
  'vm.swappiness': { min: 0, max: 200, note: 'values above 100 need Linux 5.8 or later' },
  'vm.overcommit_memory': { min: 0, max: 2 },
  'vm.overcommit_ratio': { min: 0, max: Number.MAX_SAFE_INTEGER },
  'vm.dirty_ratio': { min: 0, max: 100 },
  'vm.dirty_background_ratio': { min: 0, max: 100 },
  'vm.vfs_cache_pressure': { min: 0, max: Number.MAX_SAFE_INTEGER },
  'vm.max_map_count': { min: 0, max: 2147483647 },
  'net.ipv4.ip_forward': { min: 0, max: 1 },
  'net.ipv4.conf.all.forwarding': { min: 0, max: 1 },
  'net.ipv6.conf.all.forwarding': { min: 0, max: 1 },
  'net.ipv4.tcp_syncookies': { min: 0, max: 2 },
  'net.core.somaxconn': { min: 0, max: 2147483647 },
  'fs.file-max': { min: 1, max: Number.MAX_SAFE_INTEGER },
  'fs.inotify.max_user_watches': { min: 1, max: 2147483647 },
  'fs.protected_symlinks': { min: 0, max: 1 },
  'fs.protected_hardlinks': { min: 0, max: 1 },
  'fs.protected_fifos': { min: 0, max: 2 },
  'fs.protected_regular': { min: 0, max: 2 },
  'fs.suid_dumpable': { min: 0, max: 2 },
  'kernel.randomize_va_space': { min: 0, max: 2 },
  'kernel.kptr_restrict': { min: 0, max: 2 },
  'kernel.dmesg_restrict': { min: 0, max: 1 },
  'kernel.yama.ptrace_scope': { min: 0, max: 3 },
  'kernel.panic_on_oops': { min: 0, max: 1 },
  'kernel.sysrq': { min: 0, max: 511 },
  'kernel.pid_max': { min: 301, max: 4194304 },
  'kernel.unprivileged_bpf_disabled': { min: 0, max: 2 },
};

export function knownSysctlRange(key: string): IntRange | undefined {
  return INT_RANGES[key];
}

/** null when `value` is acceptable for `key`, else the sentence why not. Unknown keys take any one-line value. */
export function checkSysctlValue(key: string, value: string): string | null {
  if (value.trim() === '' || /[\n\r]/.test(value)) return `a value for ${key} must be one non-empty line`;
  const range = INT_RANGES[key];
  if (!range) return null;
  const wanted = range.max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${range.min}` : `an integer from ${range.min} to ${range.max}`;
  if (!/^-?\d+$/.test(value.trim())) return `${key} takes ${wanted}, not '${value}'`;
  const n = Number(value.trim());
  if (n < range.min || n > range.max) return `${key} takes ${wanted}, not ${value.trim()}`;
  return null;
}
