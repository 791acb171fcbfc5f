// /etc/hosts: parse, look up, and rename the machine's own name. Pure functions: text in, text
// out. Lines that do not carry the old name are returned byte for byte (comments, blank lines,
// tabs, IPv6 entries, a missing final newline); on a changed line only the names change, the
// whitespace between them is kept.

export interface HostsEntry {
  /** 0-based line number. */
  line: number;
  address: string;
  names: string[];
}

interface Token {
  text: string;
  start: number;
}

/** The active part of a line (before '#') split into tokens with their offsets. */
function tokens(line: string): Token[] {
  const hash = line.indexOf('#');
  const active = hash < 0 ? line : line.slice(0, hash);
  return [...active.matchAll(/[^\s]+/g)].map((m) => ({ text: m[0], start: m.index }));
}

export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  text.split('\n').forEach((line, n) => {
    const t = tokens(line);
    if (t.length >= 2) out.push({ line: n, address: t[0]!.text, names: t.slice(1).map((x) => x.text) });
  });
  return out;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The first entry that maps `name` (host names compare case-insensitively), as the resolver finds it. */
export function lookupHost(text: string, name: string): HostsEntry | undefined {
  return parseHosts(text).find((e) => e.names.some((n) => same(n, name)));
}

/** What `hostname --fqdn` would print from /etc/hosts alone: the canonical (first) name of the entry mapping `name`. */
export function canonicalName(text: string, name: string): string | undefined {
  return lookupHost(text, name)?.names[0];
}

/** Names that belong to the loopback conventions and must never be renamed, whatever /etc/hostname says. */
export function isReservedHostName(name: string): boolean {
  return /^(localhost[46]?|ip6-localhost|ip6-loopback)(\..*)?$/i.test(name) || /^localhost[46]?\.localdomain[46]?$/i.test(name);
}

export function shortName(name: string): string {
  return name.split('.')[0]!;
}

export interface RenameHost {
  /** The machine's previous names (short names and FQDNs, as found in its files). */
  oldNames: string[];
  /** The new name: a short name or an FQDN. */
  newName: string;
}

/**
 * Replace the machine's old name in every active line that carries it, as whole names only:
 * the short name becomes the new short name; an FQDN form of it (old.domain) becomes the new
 * FQDN when one is given, otherwise new.domain (the domain stays). When an FQDN is given and a
 * line only had the short name, the FQDN is put in front of it (canonical name first, as the
 * Debian installer writes `127.0.1.1 host.example.org host`). Names that would repeat on a
 * line are dropped. Loopback names (localhost, localhost.localdomain...) are never touched.
 */
export function renameHost(text: string, change: RenameHost): string {
  const olds = change.oldNames.filter((n) => n && !isReservedHostName(n)).map((n) => n.toLowerCase());
  if (olds.length === 0) return text;
  const oldShorts = new Set(olds.map(shortName));
  const oldFull = new Set(olds);
  const newFull = change.newName;
  const newShort = shortName(newFull);
  const newIsFqdn = newFull.includes('.');

  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const t = tokens(line);
    if (t.length < 2) continue;
    const names = t.slice(1);
    const kind = names.map((x): 'fqdn' | 'short' | null => {
      const l = x.text.toLowerCase();
      if (l.includes('.')) return oldFull.has(l) || oldShorts.has(shortName(l)) ? 'fqdn' : null;
      return oldShorts.has(l) || oldFull.has(l) ? 'short' : null;
    });
    if (kind.every((k) => k === null)) continue;
    const hadFqdn = kind.includes('fqdn');
    // New names, each with the whitespace that precedes it in the original line.
    const out: { sep: string; text: string }[] = [];
    let insertedFqdn = false;
    names.forEach((x, i) => {
      const prevEnd = i === 0 ? t[0]!.start + t[0]!.text.length : names[i - 1]!.start + names[i - 1]!.text.length;
      const sep = line.slice(prevEnd, x.start);
      const k = kind[i];
      if (k === 'fqdn') {
        out.push({ sep, text: newIsFqdn ? newFull : newShort + x.text.slice(shortName(x.text).length) });
      } else if (k === 'short') {
        if (newIsFqdn && !hadFqdn && !insertedFqdn) {
          out.push({ sep, text: newFull });
          insertedFqdn = true;
        }
        out.push({ sep, text: newShort });
      } else {
        out.push({ sep, text: x.text });
      }
    });
    const seen = new Set<string>();
    const kept = out.filter((x) => {
      const l = x.text.toLowerCase();
      if (seen.has(l)) return false;
      seen.add(l);
      return true;
    });
    const last = names[names.length - 1]!;
    const head = line.slice(0, t[0]!.start + t[0]!.text.length);
    const tail = line.slice(last.start + last.text.length);
    lines[n] = head + kept.map((x) => x.sep + x.text).join('') + tail;
  }
  return lines.join('\n');
}

/**
 * Make sure some active line maps `names` (the last one is the short name that must resolve):
 * when none does, add `ADDRESS<TAB>names...` after the first 127.0.0.1 line (or before the first
 * entry, or at the end). An existing mapping, to any address, is left alone: on Debian a host
 * with a permanent address maps its name there instead of 127.0.1.1.
 */
export function ensureHostsEntry(text: string | null, address: string, names: string[]): string {
  const key = names[names.length - 1]!;
  const entryLine = `${address}\t${names.join(' ')}`;
  if (text === null || text === '') return `${entryLine}\n`;
  if (lookupHost(text, key)) return text;
  const entries = parseHosts(text);
  const lines = text.split('\n');
  const loop = entries.find((e) => e.address === '127.0.0.1');
  if (loop) {
    lines.splice(loop.line + 1, 0, entryLine);
  } else if (entries.length > 0) {
    lines.splice(entries[0]!.line, 0, entryLine);
  } else {
    return `${text}${text.endsWith('\n') ? '' : '\n'}${entryLine}\n`;
  }
  return lines.join('\n');
}
