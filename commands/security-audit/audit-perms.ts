import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { auditWalk } from '../../src/audit/audit-walk.js';
import { sortFindings, type Finding } from '../../src/audit/finding.js';
import { permFindings, type KnownIds } from '../../src/audit/perm-findings.js';
import { emptyPasswordFindings, sshdFindings } from '../../src/audit/sshd-findings.js';
import { readOptional } from '../../src/guest/file-changes.js';
import type { Guest } from '../../src/guest/types.js';
import { groupEntries, parseGroup } from '../../src/parsers/group.js';
import { parsePasswd, passwdUsers } from '../../src/parsers/passwd.js';
import { parseShadow, shadowEntries } from '../../src/parsers/shadow.js';
import { loadGuestSshdConfig } from '../../src/ssh/guest-sshd-config.js';
import { renderFindings, type AuditReport } from './_shared/findings.js';

async function knownIds(guest: Guest): Promise<KnownIds> {
  const passwd = (await readOptional(guest, '/etc/passwd')) ?? '';
  const group = (await readOptional(guest, '/etc/group')) ?? '';
  return { uids: new Set(passwdUsers(parsePasswd(passwd)).map((u) => u.uid)), gids: new Set(groupEntries(parseGroup(group)).map((g) => g.gid)) };
}

async function loginFindings(guest: Guest): Promise<Finding[]> {
  const out: Finding[] = [];
  const cfg = await loadGuestSshdConfig(guest);
  if (cfg) out.push(...sshdFindings(cfg));
  const shadow = await readOptional(guest, '/etc/shadow');
  if (shadow !== null) out.push(...emptyPasswordFindings(shadowEntries(parseShadow(shadow))));
  return out;
}

export const auditPerms = defineCommand({
  name: 'audit-perms',
  category: 'security-audit',
  summary: 'World-writable and orphan-owned files, sensitive files with unsafe modes, sshd settings that weaken logins',
  description:
    'Walks PATH (default /) without following symlinks and without entering /proc, /sys, /dev and /run. Reports: files and ' +
    'directories writable by everyone (a directory with the sticky bit, like /tmp, is fine); owners and groups that the ' +
    "guest's own /etc/passwd and /etc/group do not define; shadow, gshadow, sudoers and sudoers.d, SSH host private keys, " +
    '~/.ssh and authorized_keys, and home directories with modes that let others read or change them. Then the login ' +
    "settings: the guest's sshd_config (with its Includes) for PermitRootLogin yes and PasswordAuthentication yes with " +
    'PermitEmptyPasswords yes, and /etc/shadow for accounts with an empty password field. Findings are data: the command ' +
    'exits 0 when it ran.',
  examples: ['audit-perms', 'audit-perms /etc', 'audit-perms /home'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-dir', description: 'where to start (default /)' }],
  needs: ['fs'],
  async run(ctx, args): Promise<AuditReport> {
    const start = ctx.guestPath(args.optStr('PATH') ?? '/');
    const ids = await knownIds(ctx.guest);
    const findings: Finding[] = [];
    const unreadable: string[] = [];
    for await (const e of auditWalk(ctx.guest, start, { signal: ctx.signal, onError: (p) => unreadable.push(p) })) findings.push(...permFindings(e, ids));
    if (start === '/') findings.push(...(await loginFindings(ctx.guest)));
    return { findings: sortFindings(findings), unreadable };
  },
  render(r: AuditReport, out: Output) {
    renderFindings(r, out, 'permission problems');
  },
});
