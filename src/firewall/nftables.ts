import { CliError } from '../util/errors.js';
import { sameRule, type FirewallChange, type FirewallRule, type ListedRule, type Protocol } from './model.js';
import { isIpv6 } from './rule-arg.js';

// nftables config text (the main file and its includes), read and edited as lines so comments
// and formatting stay. The rules listed and written are the accept rules of the input chain
// (a chain with `type filter hook input`) of an inet or ip table:
//   [ip|ip6 saddr CIDR] tcp|udp dport PORTS accept
//   [ip|ip6 saddr CIDR] meta l4proto tcp|udp|{ tcp, udp } th dport PORTS accept
// where PORTS is N, N-M or { a, b }. Other rules are kept and never touched.

export interface NftFile {
  /** Guest path. */
  path: string;
  text: string;
}

/** A base chain hooked on input, where it is written. */
export interface InputChain {
  path: string;
  family: string;
  table: string;
  name: string;
  /** Line index of `chain NAME {` and of its closing `}`. */
  start: number;
  end: number;
  policyDrop: boolean;
  /** Indexes of the lines holding one statement each inside the chain body. */
  ruleLines: number[];
}

/** Strip a trailing comment (a # outside double quotes). */
function code(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}

/** `include "PATH"` statements, in order (resolving them is the caller's: they are guest paths). */
export function nftIncludes(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*include\s+"([^"]+)"\s*;?\s*$/.exec(code(line));
    if (m) out.push(m[1]!);
  }
  return out;
}

type Block = { kind: 'table'; family: string; name: string } | { kind: 'chain'; chain: InputChain; hooked: boolean } | { kind: 'other' };

/** Every chain of an inet/ip table that is hooked on input as a filter. */
export function inputChains(file: NftFile): InputChain[] {
  const lines = file.text.split('\n');
  const stack: Block[] = [];
  const found: InputChain[] = [];
  lines.forEach((raw, idx) => {
    const line = code(raw);
    const top = stack.at(-1);
    if (top?.kind === 'chain' && stack.length >= 2) {
      const stmt = line.trim().replace(/;$/, '').trim();
      if (/\btype\s+filter\s+hook\s+input\b/.test(stmt)) top.hooked = true;
      if (/\bpolicy\s+drop\b/.test(stmt)) top.chain.policyDrop = true;
      const balanced = (stmt.match(/\{/g) ?? []).length === (stmt.match(/\}/g) ?? []).length;
      if (stmt && balanced && !stmt.includes(';') && !/^(type|policy)\b/.test(stmt)) top.chain.ruleLines.push(idx);
    }
    let segment = '';
    for (const ch of line) {
      if (ch === '{') {
        const t = /(?:^|;)\s*table\s+(?:(ip|ip6|inet|arp|bridge|netdev)\s+)?(\S+)\s*$/.exec(segment);
        const c = /(?:^|;)\s*chain\s+(\S+)\s*$/.exec(segment);
        const parent = stack.at(-1);
        if (t && stack.length === 0) stack.push({ kind: 'table', family: t[1] ?? 'ip', name: t[2]! });
        else if (c && parent?.kind === 'table') {
          stack.push({ kind: 'chain', hooked: false, chain: { path: file.path, family: parent.family, table: parent.name, name: c[1]!, start: idx, end: -1, policyDrop: false, ruleLines: [] } });
        } else stack.push({ kind: 'other' });
        segment = '';
      } else if (ch === '}') {
        const closed = stack.pop();
        if (closed?.kind === 'chain') {
          closed.chain.end = idx;
          // One-line chains (`chain input { type filter hook input priority 0; }`) have their statements on the brace line.
          if (/\btype\s+filter\s+hook\s+input\b/.test(line) && closed.chain.start === idx) closed.hooked = true;
          if (closed.hooked && (closed.chain.family === 'inet' || closed.chain.family === 'ip')) found.push(closed.chain);
        }
        segment = '';
      } else segment += ch;
    }
  });
  return found;
}

const RULE =
  /^(?:(ip6?)\s+saddr\s+(\S+)\s+)?(?:(tcp|udp)\s+dport|meta\s+l4proto\s+(tcp|udp|\{\s*(?:tcp\s*,\s*udp|udp\s*,\s*tcp)\s*\})\s+th\s+dport)\s+(\{[^}]*\}|\S+)\s+(?:counter\s+)?accept$/;

/** The rules one statement stands for (one per port of a set), or none when it is not an allow rule. */
export function parseNftRule(statement: string): FirewallRule[] {
  const m = RULE.exec(statement.trim().replace(/;$/, '').trim().replace(/\s+/g, ' '));
  if (!m) return [];
  const proto = (m[3] ?? (m[4]!.startsWith('{') ? undefined : m[4])) as Protocol | undefined;
  const ports = m[5]!.startsWith('{') ? m[5]!.slice(1, -1).split(',').map((p) => p.trim()).filter(Boolean) : [m[5]!];
  return ports.map((port) => ({ port, ...(proto ? { proto } : {}), ...(m[2] ? { source: m[2] } : {}) }));
}

export function listNftRules(files: NftFile[]): ListedRule[] {
  const out: ListedRule[] = [];
  for (const file of files) {
    const lines = file.text.split('\n');
    for (const chain of inputChains(file)) {
      for (const idx of chain.ruleLines) {
        const text = code(lines[idx]!).trim();
        for (const rule of parseNftRule(text)) out.push({ ...rule, origin: `${file.path}:${idx + 1}`, text });
      }
    }
  }
  return out;
}

/** The statement written for a rule (a --service rule is resolved to a port before this). */
export function nftRuleText(rule: FirewallRule): string {
  if (rule.port === undefined) throw new CliError('usage', 'nftables: a rule needs a port (a --service name is looked up in /etc/services first)');
  const source = rule.source ? `${isIpv6(rule.source) ? 'ip6' : 'ip'} saddr ${rule.source} ` : '';
  const match = rule.proto ? `${rule.proto} dport` : 'meta l4proto { tcp, udp } th dport';
  return `${source}${match} ${rule.port} accept`;
}

/** The chain rules go to: one in a table named filter first, inet before ip. */
export function pickInputChain(files: NftFile[], rule?: FirewallRule): InputChain {
  const chains = files.flatMap(inputChains);
  const rank = (c: InputChain) => (c.table === 'filter' ? 0 : 2) + (c.family === 'inet' ? 0 : 1);
  const usable = chains.filter((c) => !(rule?.source && isIpv6(rule.source) && c.family === 'ip')).sort((a, b) => rank(a) - rank(b));
  const chain = usable[0];
  if (!chain) {
    const where = files.map((f) => f.path).join(', ');
    throw new CliError('failed', `nftables: no inet or ip table with a \`type filter hook input\` chain${rule?.source && chains.length > 0 ? ' of family inet (for an IPv6 source)' : ''} in ${where}`);
  }
  return chain;
}

const ENDS_IN_DROP = /\b(drop|reject(\s+with\s+.*)?)$/;

/** Where a new rule goes: before the trailing drop/reject rules, else at the end of the chain. */
function insertAt(lines: string[], chain: InputChain): number {
  let at = chain.end;
  for (const idx of [...chain.ruleLines].reverse()) {
    if (!ENDS_IN_DROP.test(code(lines[idx]!).trim().replace(/;$/, '').trim())) break;
    at = idx;
  }
  // Keep a rule inserted before a drop below the comment lines that introduce the drop.
  while (at > chain.start + 1 && /^\s*#/.test(lines[at - 1]!) && at !== chain.end) at--;
  return at;
}

function indentOf(lines: string[], chain: InputChain): string {
  const sample = chain.ruleLines[0] ?? lines.findIndex((l, i) => i > chain.start && i < chain.end && l.trim() !== '');
  const ind = sample !== undefined && sample >= 0 && sample !== chain.end ? /^\s*/.exec(lines[sample]!)![0] : null;
  return ind ?? `${/^\s*/.exec(lines[chain.start]!)![0]}\t`;
}

/** The new text of the one file the change touches (a --service rule must be resolved to ports first). */
export function applyNftChange(files: NftFile[], change: FirewallChange): { path: string; before: string; after: string } {
  if (change.kind === 'add') {
    const existing = listNftRules(files).find((r) => sameRule(r, change.rule));
    const chain = pickInputChain(files, change.rule);
    const file = files.find((f) => f.path === chain.path)!;
    if (existing) return { path: file.path, before: file.text, after: file.text };
    const lines = file.text.split('\n');
    if (chain.end === chain.start) throw new CliError('failed', `nftables: the input chain at ${chain.path}:${chain.start + 1} is written on one line; add the rule by hand`);
    const at = insertAt(lines, chain);
    lines.splice(at, 0, `${indentOf(lines, chain)}${nftRuleText(change.rule)}`);
    return { path: file.path, before: file.text, after: lines.join('\n') };
  }
  const matches = listNftRules(files).filter((r) => sameRule(r, change.rule));
  const whole = matches.find((r) => parseNftRule(r.text).length === 1);
  if (!whole) {
    if (matches[0]) throw new CliError('failed', `nftables: the rule is one port of \`${matches[0].text}\` at ${matches[0].origin}; edit that set by hand`);
    throw new CliError('not-found', 'nftables: no such allow rule in the input chain');
  }
  const sep = whole.origin.lastIndexOf(':');
  const path = whole.origin.slice(0, sep);
  const file = files.find((f) => f.path === path)!;
  const lines = file.text.split('\n');
  lines.splice(Number(whole.origin.slice(sep + 1)) - 1, 1);
  return { path, before: file.text, after: lines.join('\n') };
}
