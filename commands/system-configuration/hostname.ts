import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { applyChanges, changed, diffOf, type FileChange } from '../../src/guest/file-changes.js';
import { canonicalName, ensureHostsEntry, renameHost, shortName } from '../../src/editors/hosts.js';
import { getShellVar, setShellVar } from '../../src/editors/shell-vars.js';
import { hostnameProblem, parseHostnameFile } from '../../src/parsers/system-identity.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { configFile, readConfig } from './_shared/common.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { distroFamily } from '../../src/inspect/distro-family.js';

// /etc/hostname holds the static host name on every current distro. Debian's convention
// (hostname(1), the installer) is the SHORT name there and the FQDN in /etc/hosts
// (`127.0.1.1 host.example.org host`); RHEL/Fedora/SUSE (hostnamectl) store the name as given,
// FQDN included. The kernel takes at most 64 characters.

const HOSTNAME = '/etc/hostname';
const HOSTS = '/etc/hosts';
const SUSE_HOSTNAME = '/etc/HOSTNAME';
const SYSCONFIG_NETWORK = '/etc/sysconfig/network';
const KERNEL_MAX = 64;

const DEBIAN_HOSTS = (names: string) =>
  `127.0.0.1\tlocalhost\n127.0.1.1\t${names}\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n`;

interface HostnameShown {
  action: 'show';
  hostname: string | null;
  fqdn: string | null;
  source: string | null;
  notes: string[];
}

interface HostnameSet {
  action: 'set';
  hostname: string;
  fqdn: string | null;
  previous: string | null;
  changed: string[];
  dryRun: boolean;
  diff: string;
}

type Result = HostnameShown | HostnameSet;

/** Read a source, turning a refused symlink into a note (showing never fails on a hostile file). */
async function readSource(guest: Guest, path: string, allowed: string[], notes: string[]): Promise<string | null> {
  try {
    return (await readConfig(guest, path, allowed)).text;
  } catch (err) {
    notes.push(describeError(err));
    return null;
  }
}

async function show(guest: Guest): Promise<HostnameShown> {
  const notes: string[] = [];
  let hostname: string | null = null;
  let source: string | null = null;
  for (const p of [HOSTNAME, SUSE_HOSTNAME]) {
    const text = await readSource(guest, p, p === SUSE_HOSTNAME ? [HOSTNAME] : [], notes);
    const name = text === null ? null : parseHostnameFile(text);
    if (name) {
      [hostname, source] = [name, p];
      break;
    }
  }
  if (!hostname) {
    const text = await readSource(guest, SYSCONFIG_NETWORK, [], notes);
    const name = text === null ? undefined : getShellVar(text, 'HOSTNAME');
    if (name) [hostname, source] = [name, SYSCONFIG_NETWORK];
  }
  let fqdn: string | null = hostname?.includes('.') ? hostname : null;
  if (hostname && !fqdn) {
    const hosts = await readSource(guest, HOSTS, [], notes);
    const canonical = hosts === null ? undefined : canonicalName(hosts, hostname);
    if (canonical?.includes('.')) fqdn = canonical;
  }
  return { action: 'show', hostname, fqdn, source, notes };
}

async function plan(guest: Guest, name: string): Promise<{ changes: FileChange[]; written: string; previous: string | null }> {
  const family = await distroFamily(guest);
  const short = shortName(name);
  const written = family === 'debian' ? short : name;
  if (written.length > KERNEL_MAX) {
    throw new CliError('usage', `'${written}' is ${written.length} characters long: a host name is at most ${KERNEL_MAX} (the kernel's limit); use a shorter name`);
  }
  const fileMode = { mode: 0o644, uid: 0, gid: 0 };
  // Every file is checked before anything is written: one refused link stops the whole change.
  const hostnameFile = await configFile(guest, HOSTNAME);
  const hostsFile = await configFile(guest, HOSTS);
  const suseFile = await configFile(guest, SUSE_HOSTNAME, [HOSTNAME]);
  const networkFile = await configFile(guest, SYSCONFIG_NETWORK);

  const read = async (f: { path: string; exists: boolean }) => (f.exists ? (await guest.fs.readFile(f.path)).toString('utf8') : null);
  const hostnameText = await read(hostnameFile);
  const hostsText = await read(hostsFile);
  const suseText = suseFile.path === HOSTNAME ? null : await read(suseFile);
  const networkText = await read(networkFile);

  const oldNames = new Set<string>();
  const previous = (hostnameText !== null ? parseHostnameFile(hostnameText) : null) ?? (suseText !== null ? parseHostnameFile(suseText) : null);
  for (const n of [previous, suseText !== null ? parseHostnameFile(suseText) : null, networkText !== null ? getShellVar(networkText, 'HOSTNAME') : null, guest.os.hostname]) {
    if (n) oldNames.add(n);
  }

  const changes: FileChange[] = [{ path: hostnameFile.path, before: hostnameText, after: `${written}\n`, ...fileMode }];
  if (suseText !== null) changes.push({ path: suseFile.path, before: suseText, after: `${name}\n` });
  if (networkText !== null && getShellVar(networkText, 'HOSTNAME') !== undefined) {
    changes.push({ path: networkFile.path, before: networkText, after: setShellVar(networkText, 'HOSTNAME', name) });
  }
  let hostsAfter = hostsText === null ? null : renameHost(hostsText, { oldNames: [...oldNames], newName: name });
  if (family === 'debian') {
    const names = name.includes('.') ? `${name} ${short}` : short;
    hostsAfter = hostsAfter === null ? DEBIAN_HOSTS(names) : ensureHostsEntry(hostsAfter, '127.0.1.1', names.split(' '));
  }
  if (hostsAfter !== null) changes.push({ path: hostsFile.path, before: hostsText, after: hostsAfter, ...fileMode });
  return { changes, written, previous };
}

export const hostname = defineCommand({
  name: 'hostname',
  category: 'system-configuration',
  summary: "Show or set the guest's host name (/etc/hostname and the machine's own line in /etc/hosts)",
  description:
    'Without NAME: the static host name, and the FQDN when /etc/hosts gives one. With NAME (RFC 1123: labels of letters, ' +
    "digits and '-', at most 63 each, 253 in all): writes /etc/hostname (Debian family: the short name, the FQDN goes to " +
    '/etc/hosts as `127.0.1.1 FQDN NAME`; elsewhere the name as given), replaces the old name as a whole word (and its ' +
    'FQDN forms) in /etc/hosts without touching other lines, adds the 127.0.1.1 line on Debian when the name is mapped ' +
    'nowhere, and updates HOSTNAME= in /etc/sysconfig/network and /etc/HOSTNAME where the guest has them. localhost names ' +
    'are never renamed. A symlinked /etc/hostname or /etc/hosts is refused (never written through).',
  examples: ['hostname', 'hostname web01', 'hostname web01.example.com --dry-run'],
  positionals: [{ name: 'NAME', optional: true, complete: 'none', description: 'the new host name: a short name or an FQDN' }],
  mutates: (args) => args.optStr('NAME') !== undefined,
  options: dryRunOption(),
  needs: ['fs'],
  async run(ctx, args): Promise<Result> {
    const name = args.optStr('NAME');
    if (name === undefined) {
      const shown = await show(ctx.guest);
      for (const n of shown.notes) ctx.out.note(n);
      return shown;
    }
    const problem = hostnameProblem(name);
    if (problem) throw new CliError('usage', `not a valid host name '${name}': ${problem}`);
    const dryRun = args.flag(DRY_RUN);
    const { changes, written, previous } = await plan(ctx.guest, name);
    const fqdn = name.includes('.') ? name : null;
    const diff = diffOf(changes);
    const touched = changes.filter(changed).map((c) => c.path);
    if (dryRun) return { action: 'set', hostname: written, fqdn, previous, changed: touched, dryRun, diff };
    await applyChanges(ctx.guest, changes);
    ctx.guest.os.hostname = written;
    return { action: 'set', hostname: written, fqdn, previous, changed: touched, dryRun, diff };
  },
  render(r: Result, out: Output) {
    if (r.action === 'show') {
      out.line(`${out.color.bold('Hostname')}  ${escapeForTerminal(r.hostname ?? 'unknown (no /etc/hostname)')}`);
      if (r.fqdn) out.line(`${out.color.bold('FQDN    ')}  ${escapeForTerminal(r.fqdn)}`);
      if (r.source) out.line(`${out.color.bold('Source  ')}  ${r.source}`);
      return;
    }
    if (r.dryRun) {
      out.write(r.diff);
      out.line(r.changed.length === 0 ? 'nothing to change' : `dry run: would change ${r.changed.join(', ')}`);
      return;
    }
    if (r.changed.length === 0) {
      out.line(`host name is already ${r.hostname}: nothing changed`);
      return;
    }
    out.line(`host name: ${r.previous ?? '(none)'} -> ${r.hostname}${r.fqdn && r.fqdn !== r.hostname ? ` (FQDN ${r.fqdn})` : ''}`);
    out.line(`changed ${r.changed.join(', ')}`);
  },
});
