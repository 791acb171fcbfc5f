// --anonymize for the `ai` assistant: host names, IPv4 addresses and user names are replaced by
// stable placeholders (host-1, ip-1, user-1) before anything is sent, and put back in the answer.
// The same value always gets the same placeholder within a session, so the model can still tell
// two hosts apart. Host and user names are the ones the guest declares (its hostname, the FQDNs of
// /etc/hosts, its login accounts); addresses are found in the text. Loopback, unspecified and
// broadcast addresses and system accounts stay as they are: they say nothing about the machine.

export interface AnonymizeNames {
  hosts: string[];
  users: string[];
}

const IPV4 = /(?<![\w.])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\w.]*\d)/g;
const KEEP_IP = /^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$|255\.255\.|224\.0\.0\.)/;
const PLACEHOLDER = /\b(?:host|ip|user)-\d+\b/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Anonymizer {
  private readonly toMask = new Map<string, string>();
  private readonly toReal = new Map<string, string>();
  private readonly counters = { host: 0, ip: 0, user: 0 };
  private names: RegExp | undefined;

  constructor(names: AnonymizeNames) {
    const words: string[] = [];
    // Longest first, so www.example.com is masked before example.com.
    for (const h of [...new Set(names.hosts.filter((h) => h.length >= 2 && h !== 'localhost' && !h.startsWith('localhost.')))].sort((a, b) => b.length - a.length)) {
      this.assign('host', h);
      words.push(h);
    }
    for (const u of [...new Set(names.users.filter((u) => u.length >= 2))].sort((a, b) => b.length - a.length)) {
      if (this.toMask.has(u)) continue;
      this.assign('user', u);
      words.push(u);
    }
    if (words.length > 0) this.names = new RegExp(`(?<![\\w.-])(?:${words.map(escapeRe).join('|')})(?![\\w-])`, 'g');
  }

  private assign(kind: keyof Anonymizer['counters'], real: string): string {
    const known = this.toMask.get(real);
    if (known) return known;
    const mask = `${kind}-${++this.counters[kind]}`;
    this.toMask.set(real, mask);
    this.toReal.set(mask, real);
    return mask;
  }

  /** The text with the guest's names and addresses replaced by their placeholders. */
  mask(text: string): string {
    let t = text.replace(IPV4, (ip) => (KEEP_IP.test(ip) ? ip : this.assign('ip', ip)));
    if (this.names) t = t.replace(this.names, (w) => this.toMask.get(w) ?? w);
    return t;
  }

  /** Every string in JSON-shaped data masked (keys too: a user name can be one). */
  maskData(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((v) => this.maskData(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.mask(k), this.maskData(v)]));
    return value;
  }

  /** The placeholders in a model's text put back (unknown ones are left as they are). */
  unmask(text: string): string {
    return text.replace(PLACEHOLDER, (p) => this.toReal.get(p) ?? p);
  }

  /** What each placeholder stands for. */
  mapping(): Record<string, string> {
    return Object.fromEntries(this.toReal);
  }
}

/**
 * Un-masks a streamed answer: a placeholder may arrive split across chunks (`hos` + `t-1`), so the
 * trailing word of each chunk is held back until the next one (or the end) shows where it stops.
 */
export class StreamUnmasker {
  private pending = '';
  constructor(private readonly anonymizer: Anonymizer | undefined) {}

  push(chunk: string): string {
    if (!this.anonymizer) return chunk;
    this.pending += chunk;
    const m = /[\w-]*$/.exec(this.pending);
    const cut = m ? m.index : this.pending.length;
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.anonymizer.unmask(ready);
  }

  end(): string {
    const rest = this.pending;
    this.pending = '';
    return this.anonymizer ? this.anonymizer.unmask(rest) : rest;
  }
}
