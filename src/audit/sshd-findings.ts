import type { LoadedSshdConfig } from '../parsers/sshd-config-model.js';
import { effectiveValues, matchOccurrences } from '../parsers/sshd-config-queries.js';
import type { ShadowEntry } from '../parsers/shadow.js';
import type { Finding } from './finding.js';

// audit-perms' login checks: sshd settings that weaken the server (the effective global value,
// or OpenSSH's default when the config does not set it) and accounts without a password.

interface Value {
  value: string;
  /** file:line, or null for OpenSSH's default. */
  where: string | null;
}

function effective(cfg: LoadedSshdConfig, keyword: string, byDefault: string): Value {
  const s = effectiveValues(cfg, keyword)[0];
  return s ? { value: s.value.toLowerCase(), where: `${s.file}:${s.line}` } : { value: byDefault, where: null };
}

const at = (v: Value) => (v.where ? ` (${v.where})` : ' (OpenSSH default)');

export function sshdFindings(cfg: LoadedSshdConfig): Finding[] {
  const out: Finding[] = [];
  const root = effective(cfg, 'PermitRootLogin', 'prohibit-password');
  if (root.value === 'yes') out.push({ severity: 'high', kind: 'sshd-root-login', path: cfg.main, detail: `PermitRootLogin yes${at(root)}: root may log in with a password` });
  const password = effective(cfg, 'PasswordAuthentication', 'yes');
  const empty = effective(cfg, 'PermitEmptyPasswords', 'no');
  if (password.value === 'yes' && empty.value === 'yes')
    out.push({ severity: 'high', kind: 'sshd-empty-passwords', path: cfg.main, detail: `PasswordAuthentication yes${at(password)} with PermitEmptyPasswords yes${at(empty)}: accounts without a password log in` });
  for (const m of [...matchOccurrences(cfg, 'PermitRootLogin'), ...matchOccurrences(cfg, 'PermitEmptyPasswords')]) {
    if (m.value.toLowerCase() === 'yes') out.push({ severity: 'medium', kind: 'sshd-match-override', path: m.file, detail: `${m.keyword} yes inside a Match block (line ${m.line})` });
  }
  return out;
}

export function emptyPasswordFindings(entries: ShadowEntry[], file = '/etc/shadow'): Finding[] {
  return entries.filter((e) => e.password === '').map((e) => ({ severity: 'high', kind: 'empty-password', path: file, detail: `account ${e.name} has an empty password field: it logs in without a password` }));
}
