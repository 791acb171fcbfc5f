// Listening sockets of a Linux guest, from `ss -tulpnH` (iproute2) or, where ss is missing,
// from /proc/net/{tcp,tcp6,udp,udp6} joined with the socket inodes in /proc/PID/fd.

export interface SocketOwner {
  name: string;
  pid: number;
  fd?: number;
}

export interface ListeningSocket {
  proto: 'tcp' | 'udp' | 'tcp6' | 'udp6';
  /** Local address without brackets: 0.0.0.0, ::, 127.0.0.1, fe80::1, or * (any family). */
  address: string;
  /** Interface the socket is bound to (ss: 127.0.0.53%lo), if any. */
  iface?: string;
  port: number;
  state: string;
  processes: SocketOwner[];
}

/** `users:(("nginx",pid=1201,fd=6),("nginx",pid=1200,fd=6))` → owners. Names may contain commas and quotes escaped by ss. */
export function parseSsUsers(text: string): SocketOwner[] {
  const owners: SocketOwner[] = [];
  const re = /\("((?:[^"\\]|\\.)*)",pid=(\d+)(?:,fd=(\d+))?\)/g;
  for (const m of text.matchAll(re)) owners.push({ name: m[1]!.replace(/\\(.)/g, '$1'), pid: Number(m[2]), ...(m[3] ? { fd: Number(m[3]) } : {}) });
  return owners;
}

/** `0.0.0.0:22`, `[::]:22`, `*:9100`, `127.0.0.53%lo:53`, `[fe80::1]%ens3:546` → parts. */
export function parseSsAddress(text: string): { address: string; iface?: string; port: number } | null {
  const m = /^(\[[^\]]*\]|[^%\s]*?)(?:%([^:\s]+))?:(\d+|\*)$/.exec(text);
  if (!m) return null;
  const address = m[1]!.replace(/^\[|\]$/g, '');
  return { address, ...(m[2] ? { iface: m[2] } : {}), port: m[3] === '*' ? 0 : Number(m[3]) };
}

/** `ss -tulpnH`: Netid State Recv-Q Send-Q Local Peer [Process]. Header lines are skipped too. */
export function parseSs(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^(tcp|udp)$/.test(f[0]!)) continue;
    const local = parseSsAddress(f[4]!);
    if (!local) continue;
    const v6 = local.address.includes(':');
    const proto = `${f[0]}${v6 ? '6' : ''}` as ListeningSocket['proto'];
    out.push({ proto, ...local, state: f[1]!, processes: parseSsUsers(f.slice(6).join(' ')) });
  }
  return sortSockets(out);
}

const TCP_STATES: Record<string, string> = { '0A': 'LISTEN', '07': 'UNCONN', '01': 'ESTAB' };

/** A /proc/net address `0100007F:0016` (IPv4, little-endian 32-bit words) or 32 hex digits (IPv6). */
export function parseProcNetAddress(text: string): { address: string; port: number } | null {
  const [hex, portHex] = text.split(':');
  if (!hex || !portHex) return null;
  const port = parseInt(portHex, 16);
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return { address: [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.'), port };
  }
  if (hex.length !== 32) return null;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return { address: `::ffff:${bytes.slice(12).join('.')}`, port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return { address: compressIpv6(groups), port };
}

function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface ProcNetSocket {
  proto: ListeningSocket['proto'];
  address: string;
  port: number;
  state: string;
  inode: number;
}

/** One /proc/net/{tcp,tcp6,udp,udp6} table: the listening TCP sockets and the unconnected UDP ones. */
export function parseProcNet(text: string, proto: ListeningSocket['proto']): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const local = parseProcNetAddress(f[1]!);
    const remote = parseProcNetAddress(f[2]!);
    const st = f[3]!.toUpperCase();
    if (!local || !remote) continue;
    const tcp = proto.startsWith('tcp');
    if (tcp ? st !== '0A' : remote.port !== 0) continue;
    out.push({ proto, ...local, state: TCP_STATES[st] ?? st, inode: Number(f[9]) });
  }
  return out;
}

/**
 * `ls -l /proc/[0-9]*\/fd` (GNU or busybox): a "/proc/PID/fd:" header per process, then
 * "... FD -> socket:[INODE]" lines. Returns socket inode → owners.
 */
export function parseFdListing(text: string): Map<number, { pid: number; fd: number }[]> {
  const owners = new Map<number, { pid: number; fd: number }[]>();
  let pid = -1;
  for (const line of text.split('\n')) {
    const head = /^\/proc\/(\d+)\/fd:$/.exec(line.trim());
    if (head) {
      pid = Number(head[1]);
      continue;
    }
    const m = /\s(\d+) -> socket:\[(\d+)\]\s*$/.exec(line);
    if (!m || pid < 0) continue;
    const inode = Number(m[2]);
    const list = owners.get(inode) ?? [];
    list.push({ pid, fd: Number(m[1]) });
    owners.set(inode, list);
  }
  return owners;
}

/** The /proc fallback: tables joined with the fd owners and process names. */
export function socketsFromProc(tables: ProcNetSocket[], fds: Map<number, { pid: number; fd: number }[]>, names: Map<number, string>): ListeningSocket[] {
  return sortSockets(
    tables.map((s) => ({
      proto: s.proto,
      address: s.address,
      port: s.port,
      state: s.state,
      processes: (fds.get(s.inode) ?? []).map((o) => ({ name: names.get(o.pid) ?? '?', pid: o.pid, fd: o.fd })),
    })),
  );
}

function sortSockets(list: ListeningSocket[]): ListeningSocket[] {
  const order = ['tcp', 'tcp6', 'udp', 'udp6'];
  return list.sort((a, b) => order.indexOf(a.proto) - order.indexOf(b.proto) || a.port - b.port || a.address.localeCompare(b.address));
}
