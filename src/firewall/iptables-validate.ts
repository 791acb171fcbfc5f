import type { Guest } from '../guest/types.js';
import { guestCheck } from './guest-check.js';

// The guest's own iptables parses the files: `iptables-restore-translate -f FILE` reads an
// iptables-save file with the same extension parsers `iptables-restore` uses (a bad option,
// match or port fails with "Error occurred at line: N") and needs no kernel. `iptables-restore
// --test` would also check chain targets, but it asks the kernel (nf_tables over netlink), which
// needs CAP_NET_ADMIN: the offline jail drops it, so it fails there with "Permission denied
// (you must be root)" whatever the file says.

export interface IptablesPaths {
  /** IPv4 file (iptables-save format), e.g. /etc/iptables/rules.v4. */
  v4?: string;
  /** IPv6 file, e.g. /etc/iptables/rules.v6. */
  v6?: string;
}

/** Throws a CliError naming the file and iptables' own message when a file does not parse. */
export async function validateIptablesFiles(guest: Guest, paths: IptablesPaths): Promise<void> {
  if (paths.v4) await guestCheck(guest, `the guest's iptables-restore-translate rejects ${paths.v4}`, ['iptables-restore-translate', '-f', paths.v4]);
  if (paths.v6) await guestCheck(guest, `the guest's ip6tables-restore-translate rejects ${paths.v6}`, ['ip6tables-restore-translate', '-f', paths.v6]);
}
