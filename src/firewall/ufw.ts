import { CliError } from '../util/errors.js';
import { editPair, iptablesPort, isPortOrRange, modelPort, type Family } from './address-family.js';
import { sameRule, type FirewallChange, type FirewallRule, type ListedRule } from './model.js';

// ufw's user rules: /etc/ufw/user.rules (IPv4) and /etc/ufw/user6.rules (IPv6). ufw itself reads
// only the `### tuple ###` comments back (`ufw show added`); the iptables-restore lines under
// each tuple are what it loads into the kernel. A rule is written exactly as ufw 0.36 writes it:
//
//   ### tuple ### allow tcp 5432 0.0.0.0/0 any 10.0.0.0/8 in
//   -A ufw-user-input -p tcp --dport 5432 -s 10.0.0.0/8 -j ACCEPT
//   <blank line>
//
// just before `### END RULES ###`. The package's template (never rewritten by ufw yet) has no
// END RULES marker: there a rule goes after the last tuple block (or after `### RULES ###`),
// and the rest of the file stays as it is, byte for byte, in both layouts.

export const UFW_USER_RULES = '/etc/ufw/user.rules';
export const UFW_USER6_RULES = '/etc/ufw/user6.rules';

const ANY: Record<Family, string> = { v4: '0.0.0.0/0', v6: '::/0' };
const CHAIN: Record<Family, string> = { v4: 'ufw-user-input', v6: 'ufw6-user-input' };
const TUPLE = '### tuple ### ';

interface Tuple {
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  dapp: string;
  direction: string;
}

/** `allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in` (7 fields) or, for an application rule, with `DAPP SAPP` before the direction (9). */
function parseTuple(line: string): Tuple | null {
  if (!line.startsWith(TUPLE)) return null;
  // ufw 0.36 may append ` comment=HEX`; it is not part of the rule.
  const f = line.slice(TUPLE.length).trim().split(/\s+/).filter((w) => !w.startsWith('comment='));
  if (f.length !== 7 && f.length !== 9) return null;
  const [action, proto, dport, dst, sport, src] = f as [string, string, string, string, string, string];
  return { action, proto, dport, dst, sport, src, dapp: f.length === 9 ? f[6]! : '-', direction: f[f.length - 1]! };
}

/** The tuple as a model rule, when it is an incoming allow to any local address from any source port. */
function tupleRule(t: Tuple, family: Family): FirewallRule | null {
  if (t.action !== 'allow' || t.direction !== 'in' || t.dst !== ANY[family] || t.sport !== 'any') return null;
  if (t.proto !== 'any' && t.proto !== 'tcp' && t.proto !== 'udp') return null;
  const rule: FirewallRule = {};
  if (t.dport !== 'any') rule.port = modelPort(t.dport);
  if (t.proto !== 'any') rule.proto = t.proto;
  if (t.dapp !== '-') rule.service = t.dapp.replace(/%20/g, ' ');
  if (t.src !== ANY[family]) rule.source = t.src;
  return rule;
}

function listFile(text: string, family: Family, path: string): ListedRule[] {
  const out: ListedRule[] = [];
  text.split('\n').forEach((line, n) => {
    const t = parseTuple(line);
    const rule = t && tupleRule(t, family);
    if (rule) out.push({ ...rule, origin: `${path}:${n + 1}`, text: line.slice(TUPLE.length).trim() });
  });
  return out;
}

/**
 * The allow rules of both files. A rule without a source is in both files (ufw writes it twice):
 * it is listed once, from user.rules.
 */
export function readUfw(userRules: string, user6Rules: string): ListedRule[] {
  const v4 = listFile(userRules, 'v4', UFW_USER_RULES);
  const v6 = listFile(user6Rules, 'v6', UFW_USER6_RULES).filter((r) => !v4.some((x) => sameRule(x, r)));
  return [...v4, ...v6];
}

/** The tuple line and the iptables lines ufw writes for `rule` in one file. */
function ruleLines(rule: FirewallRule, family: Family): string[] {
  if (rule.port === undefined) throw new CliError('usage', 'ufw: a rule needs a port (resolve a service name to its port first)');
  if (!isPortOrRange(rule.port)) throw new CliError('usage', `ufw: not a port or a port range: '${rule.port}'`);
  const port = iptablesPort(rule.port);
  const range = port.includes(':');
  if (range && rule.proto === undefined) throw new CliError('usage', "ufw: a port range needs a protocol ('tcp' or 'udp'), as ufw itself requires");
  const src = rule.source ?? ANY[family];
  const lines = [`${TUPLE}allow ${rule.proto ?? 'any'} ${port} ${ANY[family]} any ${src} in`];
  for (const proto of rule.proto ? [rule.proto] : ['tcp', 'udp']) {
    const match = range ? `-m multiport --dports ${port}` : `--dport ${port}`;
    const from = rule.source ? ` -s ${rule.source}` : '';
    lines.push(`-A ${CHAIN[family]} -p ${proto} ${match}${from} -j ACCEPT`);
  }
  return lines;
}

/** Index of the first line after the iptables lines that follow the tuple at `i`. */
function blockEnd(lines: string[], i: number, family: Family): number {
  let j = i + 1;
  while (j < lines.length && lines[j]!.startsWith(`-A ${CHAIN[family]} `)) j++;
  return j;
}

function tupleAt(lines: string[], i: number, family: Family): FirewallRule | null {
  const t = parseTuple(lines[i]!);
  return t && tupleRule(t, family);
}

function addTo(text: string, rule: FirewallRule, family: Family): string {
  const lines = text.split('\n');
  if (lines.some((_, i) => sameRuleAt(lines, i, family, rule))) return text;
  const block = ruleLines(rule, family);
  const end = lines.indexOf('### END RULES ###');
  if (end >= 0) {
    lines.splice(end, 0, ...block, '');
    return lines.join('\n');
  }
  let at = lines.indexOf('### RULES ###');
  if (at < 0) throw new CliError('failed', `ufw: no '### RULES ###' line in the ${family === 'v4' ? 'IPv4' : 'IPv6'} user rules: not a file ufw wrote`);
  at++;
  for (let i = at; i < lines.length; i++) if (parseTuple(lines[i]!)) at = blockEnd(lines, i, family);
  lines.splice(at, 0, '', ...block);
  return lines.join('\n');
}

function sameRuleAt(lines: string[], i: number, family: Family, rule: FirewallRule): boolean {
  const r = tupleAt(lines, i, family);
  return r !== null && sameRule(r, rule);
}

function removeFrom(text: string, rule: FirewallRule, family: Family): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!sameRuleAt(lines, i, family, rule)) continue;
    const end = blockEnd(lines, i, family);
    // The block's own blank line: after it where ufw wrote it, before it in the template layout.
    if (lines[end] === '') lines.splice(i, end - i + 1);
    else if (i > 0 && lines[i - 1] === '') lines.splice(i - 1, end - i + 1);
    else lines.splice(i, end - i);
  }
  return lines.join('\n');
}

export interface UfwFiles {
  userRules: string;
  user6Rules: string;
}

/**
 * Apply one change to ufw's two files: an IPv4 source touches user.rules only, an IPv6 source
 * user6.rules only, no source both. Adding a rule that is there, or removing one that is not,
 * returns the text unchanged.
 */
export function editUfw(userRules: string, user6Rules: string, change: FirewallChange): UfwFiles {
  const r = editPair({ v4: userRules, v6: user6Rules }, change, {
    add: (text, family) => addTo(text, change.rule, family),
    remove: (text, family) => removeFrom(text, change.rule, family),
  });
  return { userRules: r.v4, user6Rules: r.v6 };
}
