import type { CommandDef, GuestOsType } from './command.js';
import type { CategoryId } from './categories.js';

// Which operating systems a command applies to. Whole categories edit Linux configuration
// (accounts, packages, systemd units, netfilter...), so they default to Linux; a command's own
// `os` overrides its category's.

const LINUX_CATEGORIES: ReadonlySet<CategoryId> = new Set<CategoryId>([
  'package-management',
  'system-inspection',
  'user-management',
  'ssh-key-management',
  'system-configuration',
  'service-management',
  'firewall-management',
  'scheduled-tasks',
  'system-cleanup',
  'boot-configuration',
  'network-configuration',
  'security-audit',
  'performance-tuning',
  'selinux-advanced',
]);

const OS_TITLES: Record<GuestOsType, string> = { linux: 'Linux', windows: 'Windows' };

/** The guests the command is for; undefined: any. */
export function commandOsTypes(cmd: Pick<CommandDef, 'os' | 'category'>): readonly GuestOsType[] | undefined {
  return cmd.os ?? (LINUX_CATEGORIES.has(cmd.category) ? ['linux'] : undefined);
}

/** Why the command does not apply to a guest of this type (the end of a sentence starting with its name). */
export function wrongOsReason(cmd: Pick<CommandDef, 'os' | 'category'>, osType: string | undefined): string | undefined {
  const wanted = commandOsTypes(cmd);
  if (wanted === undefined || osType === undefined || !(osType in OS_TITLES)) return undefined;
  if (wanted.includes(osType as GuestOsType)) return undefined;
  return `is for ${wanted.map((t) => OS_TITLES[t]).join('/')} guests; this guest is ${OS_TITLES[osType as GuestOsType]}`;
}
