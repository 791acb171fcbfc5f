import type { Guest } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import { guestCheck } from './guest-check.js';
import { validateIptablesFiles } from './iptables-validate.js';
import { UFW_USER6_RULES, UFW_USER_RULES } from './ufw.js';

// Two checks with the guest's own tools, both offline: `ufw show added` reads the tuples back as
// ufw does at every start (a tuple it cannot read is skipped with "WARN: Skipping malformed
// tuple", which ufw does not count as an error, so it is caught here), and the iptables lines
// ufw loads from the files go through the guest's iptables parser (see iptables-validate.ts).

/** Validate ufw's user rules files; returns the rules as ufw lists them ("ufw allow 22/tcp"). */
export async function validateUfwFiles(guest: Guest): Promise<string[]> {
  const r = await guestCheck(guest, "the guest's ufw cannot read its rules (ufw show added)", ['ufw', 'show', 'added']);
  const skipped = r.stderr.split('\n').find((l) => /Skipping malformed tuple/.test(l));
  if (skipped) throw new CliError('failed', `the guest's ufw cannot read a rule: ${skipped.replace(/^WARN:\s*/, '')}`);
  await validateIptablesFiles(guest, { v4: UFW_USER_RULES, v6: UFW_USER6_RULES });
  return r.stdout.split('\n').filter((l) => l.startsWith('ufw '));
}
