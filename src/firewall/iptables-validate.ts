import type { Guest } from '../guest/types.js';
import { guestCheck } from './guest-check.js';

// The guest's own `iptables-restore --test FILE` parses the file and has the kernel check it
// without committing (Debian 12's iptables is iptables-nft: the check goes over nf_tables
// netlink). That needs CAP_NET_ADMIN, so on an image it runs in the jail with netAdmin: the
// jail's own empty network namespace, whose ruleset is thrown away. A bad option, match, port or
// jump target fails with "Error occurred at line: N". (Before netAdmin existed this used
// iptables-restore-translate, which parses but asks no kernel; it is no longer needed.)

export interface IptablesPaths {
  /** IPv4 file (iptables-save format), e.g. /etc/iptables/rules.v4. */
  v4?: string;
  /** IPv6 file, e.g. /etc/iptables/rules.v6. */
  v6?: string;
}

/** Throws a CliError naming the file and iptables' own message when a file does not pass. */
export async function validateIptablesFiles(guest: Guest, paths: IptablesPaths): Promise<void> {
  const opts = { netAdmin: guest.kind !== 'live', env: { LC_ALL: 'C' } };
  if (paths.v4) await guestCheck(guest, `the guest's iptables-restore --test rejects ${paths.v4}`, ['iptables-restore', '--test', paths.v4], opts);
  if (paths.v6) await guestCheck(guest, `the guest's ip6tables-restore --test rejects ${paths.v6}`, ['ip6tables-restore', '--test', paths.v6], opts);
}
