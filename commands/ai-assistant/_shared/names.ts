import type { Guest } from '../../../src/guest/types.js';
import { isFile } from '../../../src/guest/stat-or-null.js';
import { parsePasswd } from '../../../src/parsers/passwd.js';
import { isReservedHostName, parseHosts, shortName } from '../../../src/editors/hosts.js';
import type { AnonymizeNames } from '../../../src/redact/anonymize.js';

// The names --anonymize masks: the guest's own host names (its hostname, short and long, and the
// names /etc/hosts gives its non-loopback addresses) and its login accounts (uid 1000 to 59999,
// the range useradd gives people; system accounts such as root or www-data say nothing about whose
// machine it is).

async function readText(guest: Guest, path: string): Promise<string | null> {
  if (guest.os.type !== 'linux' || !(await isFile(guest.fs, path))) return null;
  return (await guest.fs.readFile(path)).toString('utf8');
}

export async function guestNames(guest: Guest): Promise<AnonymizeNames> {
  const hosts = new Set<string>();
  const add = (h: string | null | undefined) => {
    if (!h || isReservedHostName(h)) return;
    hosts.add(h);
    hosts.add(shortName(h));
  };
  add(guest.os.hostname);
  const hostsText = await readText(guest, '/etc/hosts');
  if (hostsText !== null)
    for (const e of parseHosts(hostsText)) if (!/^(127\.|::1$|fe00::|ff0[0-9]::)/.test(e.address)) for (const n of e.names) add(n);
  const users: string[] = [];
  const passwd = await readText(guest, '/etc/passwd');
  if (passwd !== null) for (const e of parsePasswd(passwd)) if (e.kind === 'user' && e.uid >= 1000 && e.uid < 60000) users.push(e.name);
  return { hosts: [...hosts], users };
}
