import { CliError } from '../util/errors.js';
import { editPair, iptablesPort, isPortOrRange, modelPort } from './address-family.js';
import { sameRule, type FirewallChange, type FirewallRule, type ListedRule } from './model.js';

// iptables-persistent's /etc/iptables/rules.v4 and rules.v6 (iptables-save format; RHEL's
// /etc/sysconfig/iptables is the same). The firewall commands own the "allow incoming" rules of
// the INPUT chain of the *filter table: `-A INPUT [-s CIDR] -p tcp|udp [-m tcp|udp] --dport N
// -j ACCEPT`, a range as `--dport A:B` or `-m multiport --dports A:B`, and the classic RHEL
// `-m state --state NEW` / `-m conntrack --ctstate NEW` form. Any other INPUT rule is left alone
// and not listed. Lines are edited in place; everything else stays byte for byte.

export const IPTABLES_RULES_V4 = '/etc/iptables/rules.v4';
export const IPTABLES_RULES_V6 = '/etc/iptables/rules.v6';

/** The `-A INPUT ...` line as a model rule, or null when it is anything but a plain allow. */
export function parseInputAllow(line: string): FirewallRule | null {
  const w = line.trim().split(/\s+/);
  if (w[0] !== '-A' || w[1] !== 'INPUT') return null;
  const rule: FirewallRule = {};
  let target: string | undefined;
  for (let i = 2; i < w.length; i++) {
    const opt = w[i]!;
    const val = w[i + 1];
    if (val === undefined) return null;
    i++;
    if (opt === '-s' || opt === '--source') rule.source = val;
    else if (opt === '-p' || opt === '--protocol') {
      if (val !== 'tcp' && val !== 'udp') return null;
      rule.proto = val;
    } else if (opt === '-m' || opt === '--match') {
      if (val !== rule.proto && val !== 'multiport' && val !== 'state' && val !== 'conntrack') return null;
    } else if (opt === '--dport' || opt === '--destination-port' || opt === '--dports' || opt === '--destination-ports') {
      if (!/^\d+(:\d+)?$/.test(val) || rule.port !== undefined) return null;
      rule.port = modelPort(val);
    } else if (opt === '--state' || opt === '--ctstate') {
      if (val !== 'NEW') return null;
    } else if (opt === '-j' || opt === '--jump') target = val;
    else return null;
  }
  if (target !== 'ACCEPT' || rule.port === undefined || rule.proto === undefined) return null;
  return rule;
}

interface Table {
  /** Line index of `*filter`, and of its COMMIT. */
  start: number;
  commit: number;
}

function filterTable(lines: string[]): Table | null {
  const start = lines.findIndex((l) => l.trim() === '*filter');
  if (start < 0) return null;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === 'COMMIT') return { start, commit: i };
    if (l.startsWith('*')) break;
  }
  throw new CliError('failed', `iptables: the *filter table that starts on line ${start + 1} has no COMMIT`);
}

function listFile(text: string, path: string): ListedRule[] {
  const lines = text.split('\n');
  const t = filterTable(lines);
  if (!t) return [];
  const out: ListedRule[] = [];
  for (let i = t.start + 1; i < t.commit; i++) {
    const rule = parseInputAllow(lines[i]!);
    if (rule) out.push({ ...rule, origin: `${path}:${i + 1}`, text: lines[i]!.trim() });
  }
  return out;
}

/**
 * The allow rules of both files, one per line (tcp and udp are separate lines there). A rule
 * without a source that is in both files is listed once, from rules.v4.
 */
export function readIptables(v4: string, v6: string, paths: { v4: string; v6: string } = { v4: IPTABLES_RULES_V4, v6: IPTABLES_RULES_V6 }): ListedRule[] {
  const four = listFile(v4, paths.v4);
  const six = listFile(v6, paths.v6).filter((r) => !(r.source === undefined && four.some((x) => sameRule(x, r))));
  return [...four, ...six];
}

/** The lines iptables-save would print for `rule` (a rule without a protocol is two lines). */
function ruleLines(rule: FirewallRule): string[] {
  if (rule.port === undefined) throw new CliError('usage', 'iptables: a rule needs a port (resolve a service name to its port first)');
  if (!isPortOrRange(rule.port)) throw new CliError('usage', `iptables: not a port or a port range: '${rule.port}'`);
  const from = rule.source ? ` -s ${rule.source}` : '';
  return (rule.proto ? [rule.proto] : ['tcp', 'udp']).map((p) => `-A INPUT${from} -p ${p} -m ${p} --dport ${iptablesPort(rule.port!)} -j ACCEPT`);
}

/** A catch-all `-A INPUT -j DROP` / `-j REJECT [--reject-with X]` line that ends the chain. */
const isCatchAll = (line: string) => /^-A INPUT -j (DROP|REJECT)( --reject-with \S+)?$/.test(line.trim());

/** Each protocol of the rule as its own rule: the files hold tcp and udp on separate lines. */
const perProto = (rule: FirewallRule): FirewallRule[] => (rule.proto ? [rule] : [{ ...rule, proto: 'tcp' }, { ...rule, proto: 'udp' }]);

const EMPTY_FILTER = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT'];

function addTo(text: string, rule: FirewallRule): string {
  let lines = text.split('\n');
  let t = filterTable(lines);
  if (!t) {
    // A file without a filter table gets one, after what is there.
    if (lines[lines.length - 1] === '') lines.pop();
    lines = [...lines, ...EMPTY_FILTER, ''];
    t = filterTable(lines)!;
  }
  const present = (r: FirewallRule) => lines.slice(t.start, t.commit).some((l) => {
    const x = parseInputAllow(l);
    return x !== null && sameRule(x, r);
  });
  const wanted = perProto(rule).filter((r) => !present(r));
  if (wanted.length === 0) return text;
  const input = [];
  for (let i = t.start + 1; i < t.commit; i++) if (/^-A INPUT\s/.test(lines[i]!.trim())) input.push(i);
  let at = input.length > 0 ? input[input.length - 1]! + 1 : t.commit;
  // Before the trailing catch-all DROP/REJECT lines, or the new rule would never match.
  for (let k = input.length - 1; k >= 0 && isCatchAll(lines[input[k]!]!); k--) at = input[k]!;
  lines.splice(at, 0, ...wanted.flatMap(ruleLines));
  return lines.join('\n');
}

function removeFrom(text: string, rule: FirewallRule): string {
  const lines = text.split('\n');
  const t = filterTable(lines);
  if (!t) return text;
  const targets = perProto(rule);
  const keep = lines.filter((l, i) => {
    if (i <= t.start || i >= t.commit) return true;
    const x = parseInputAllow(l);
    return x === null || !targets.some((r) => sameRule(x, r));
  });
  return keep.join('\n');
}

export interface IptablesFiles {
  v4: string;
  v6: string;
}

/**
 * Apply one change to rules.v4 and rules.v6: an IPv4 source touches rules.v4 only, an IPv6
 * source rules.v6 only, no source both. Adding a rule that is there, or removing one that is
 * not, returns the text unchanged.
 */
export function editIptables(v4: string, v6: string, change: FirewallChange): IptablesFiles {
  return editPair({ v4, v6 }, change, { add: (text) => addTo(text, change.rule), remove: (text) => removeFrom(text, change.rule) });
}
