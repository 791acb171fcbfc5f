// Pure parsers for what `virsh` prints (always run with LC_ALL=C: the labels are English).
// Each takes the text as virsh printed it and returns plain data; nothing here runs virsh.

/** libvirt's virDomainState, indexed by its number, in virsh's words. */
export const STATE_NAMES = ['no state', 'running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended'] as const;
/** The same states as label values for metrics (libvirt's enum names, lower case). */
export const STATE_SLUGS = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const;

/** virsh's state text → libvirt's number ("blocked" is what virsh before 1.0 printed for idle). */
export function stateCode(text: string): number | null {
  const t = text.trim().toLowerCase();
  const i = (STATE_NAMES as readonly string[]).indexOf(t);
  if (i >= 0) return i;
  if (t === 'blocked') return 2;
  if (t === 'shutoff') return 5;
  return null;
}

/** The domain has a live process, so memory in use and CPU time (running, idle, paused, in shutdown, pmsuspended). */
export function isActive(code: number | null): boolean {
  return code === 1 || code === 2 || code === 3 || code === 4 || code === 7;
}

/** Its vCPUs run, so a guest agent may answer (a paused or suspended guest never does). */
export function isRunning(code: number | null): boolean {
  return code === 1 || code === 2;
}

export interface DomInfo {
  /** null for an inactive domain ("Id: -"). */
  id: number | null;
  name: string;
  uuid: string | null;
  osType: string | null;
  state: string | null;
  stateCode: number | null;
  vcpus: number | null;
  /** null when virsh leaves the line out (it does when the domain has used no CPU: shut off). */
  cpuTimeNs: number | null;
  /** null with `unlimited` when virsh says "no limit". */
  maxMemoryKiB: number | null;
  unlimited: boolean;
  usedMemoryKiB: number | null;
  persistent: boolean | null;
  autostart: boolean | null;
}

/**
 * `virsh dominfo DOMAIN`: "Label:   value" lines (virsh pads the label to 15 columns).
 * Memory is "N KiB" (virsh before 0.9.11 printed "N kB"), or "no limit" for max memory;
 * CPU time is "S.Ss" and absent for a domain that has not run.
 */
export function parseDominfo(text: string): DomInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z ()]*?):\s?(.*)$/.exec(line.replace(/\r$/, ''));
    if (m && !fields.has(m[1]!)) fields.set(m[1]!, m[2]!.trim());
  }
  const get = (k: string) => fields.get(k);
  const idText = get('Id');
  const state = get('State') ?? null;
  const maxText = get('Max memory');
  const unlimited = maxText !== undefined && /^no limit$/i.test(maxText);
  return {
    id: idText !== undefined && /^\d+$/.test(idText) ? Number(idText) : null,
    name: get('Name') ?? '',
    uuid: get('UUID') || null,
    osType: get('OS Type') || null,
    state,
    stateCode: state === null ? null : stateCode(state),
    vcpus: intOrNull(get('CPU(s)')),
    cpuTimeNs: secondsToNs(get('CPU time')),
    maxMemoryKiB: unlimited ? null : kibOrNull(maxText),
    unlimited,
    usedMemoryKiB: kibOrNull(get('Used memory')),
    persistent: yesNo(get('Persistent'), 'yes', 'no'),
    autostart: yesNo(get('Autostart'), 'enable', 'disable'),
  };
}

export interface DomStats {
  name: string;
  stateCode: number | null;
  cpuTimeNs: number | null;
  /** balloon.current: the memory the guest has now (KiB). */
  balloonCurrentKiB: number | null;
  /** balloon.maximum: the most it can get (KiB). */
  balloonMaximumKiB: number | null;
  balloonRssKiB: number | null;
  balloonAvailableKiB: number | null;
  balloonUnusedKiB: number | null;
  vcpuCurrent: number | null;
  vcpuMaximum: number | null;
  /** Every key=value line, as printed. */
  raw: Record<string, string>;
}

/**
 * `virsh domstats [--state --cpu-total --balloon --vcpu]`: for each domain a
 * `Domain: 'NAME'` line, then indented `key=value` lines, then a blank line.
 * Values are raw numbers: cpu.time in nanoseconds, balloon.* in KiB.
 */
export function parseDomstats(text: string): DomStats[] {
  const out: DomStats[] = [];
  let raw: Record<string, string> | null = null;
  let name = '';
  const flush = () => {
    if (raw) out.push(typedStats(name, raw));
    raw = null;
  };
  for (const line of text.split('\n')) {
    const l = line.replace(/\r$/, '');
    const head = /^Domain: '(.*)'\s*$/.exec(l);
    if (head) {
      flush();
      name = head[1]!;
      raw = {};
      continue;
    }
    const kv = /^\s+([^=\s]+)=(.*)$/.exec(l);
    if (kv && raw) (raw as Record<string, string>)[kv[1]!] = kv[2]!;
  }
  flush();
  return out;
}

function typedStats(name: string, raw: Record<string, string>): DomStats {
  const n = (k: string) => intOrNull(raw[k]);
  return {
    name,
    stateCode: n('state.state'),
    cpuTimeNs: n('cpu.time'),
    balloonCurrentKiB: n('balloon.current'),
    balloonMaximumKiB: n('balloon.maximum'),
    balloonRssKiB: n('balloon.rss'),
    balloonAvailableKiB: n('balloon.available'),
    balloonUnusedKiB: n('balloon.unused'),
    vcpuCurrent: n('vcpu.current'),
    vcpuMaximum: n('vcpu.maximum'),
    raw,
  };
}

/** `virsh list --all --name`: one name per line, a blank line at the end. */
export function parseNameList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

export interface BlockDevice {
  /** file, block, network, volume, dir (--details only). */
  type: string | null;
  /** disk, cdrom, floppy, lun (--details only). */
  device: string | null;
  target: string;
  /** null for an empty drive ("-"). */
  source: string | null;
}

/**
 * `virsh domblklist DOMAIN [--details]`: a header ("Type Device Target Source" or
 * "Target Source"), a line of dashes, then one row per disk. The source is the rest of the
 * row (a path may contain spaces); "-" is an empty drive (a CD-ROM without a medium).
 */
export function parseDomblklist(text: string): BlockDevice[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const h = lines.findIndex((l) => /^\s*(Type\s+Device\s+)?Target\s+Source\s*$/.test(l));
  if (h < 0) return [];
  const details = /^\s*Type\s/.test(lines[h]!);
  const out: BlockDevice[] = [];
  for (const line of lines.slice(h + 1)) {
    if (/^\s*-+\s*$/.test(line) || line.trim() === '') continue;
    const fields = details ? 3 : 1;
    const m = new RegExp(`^\\s*${'(\\S+)\\s+'.repeat(fields)}(.*?)\\s*$`).exec(line);
    if (!m) continue;
    const source = m[fields + 1]!;
    out.push({
      type: details ? m[1]! : null,
      device: details ? m[2]! : null,
      target: m[fields]!,
      source: source === '-' || source === '' ? null : source,
    });
  }
  return out;
}

export interface GuestInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: { 'ip-address-type': string; 'ip-address': string; prefix?: number }[];
}

/**
 * The addresses in a guest-network-get-interfaces reply, as "ADDR/PREFIX", without the
 * loopback interface, loopback addresses and IPv6 link-local addresses (fe80::/10: every
 * interface has one and it says nothing about how to reach the guest).
 */
export function guestAddresses(interfaces: GuestInterface[]): string[] {
  const out: string[] = [];
  for (const i of interfaces ?? []) {
    if (i.name === 'lo' || /^Loopback Pseudo-Interface/i.test(i.name)) continue;
    for (const a of i['ip-addresses'] ?? []) {
      const ip = a['ip-address'];
      if (!ip || /^127\./.test(ip) || ip === '::1' || /^fe[89ab][0-9a-f]:/i.test(ip)) continue;
      const text = a.prefix !== undefined ? `${ip}/${a.prefix}` : ip;
      if (!out.includes(text)) out.push(text);
    }
  }
  return out;
}

function intOrNull(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v.trim());
}

function kibOrNull(v: string | undefined): number | null {
  const m = v === undefined ? null : /^(\d+)\s*(KiB|kB|KB)?$/.exec(v.trim());
  return m ? Number(m[1]) : null;
}

function secondsToNs(v: string | undefined): number | null {
  const m = v === undefined ? null : /^(\d+)(?:[.,](\d+))?s$/.exec(v.trim());
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return Number(m[1]) * 1e9 + Number(frac);
}

function yesNo(v: string | undefined, yes: string, no: string): boolean | null {
  if (v === yes) return true;
  if (v === no) return false;
  return null;
}
