import { CliError } from '../util/errors.js';
import type { FirewallRule, Protocol } from './model.js';

// RULE on the command line: PORT[/PROTO] (a port or an inclusive range), or --service NAME;
// with --source CIDR and --zone Z.

export interface RuleInput {
  port?: string;
  service?: string;
  source?: string;
  zone?: string;
}

const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;

function checkPort(port: string): void {
  const m = PORT.exec(port);
  const ok = m && Number(m[1]) >= 1 && Number(m[1]) <= 65535 && (m[2] === undefined || (Number(m[2]) <= 65535 && Number(m[2]) > Number(m[1])));
  if (!ok) throw new CliError('usage', `not a port or a port range (1-65535, low-high): '${port}'`);
}

/** An IPv4 or IPv6 address with an optional prefix length. */
export function checkCidr(source: string): void {
  const [addr, prefix, extra] = source.split('/');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr ?? '');
  const isV4 = v4 !== null && v4.slice(1).every((o) => Number(o) <= 255);
  const isV6 = !isV4 && /^[0-9a-fA-F:.]+$/.test(addr ?? '') && (addr ?? '').includes(':');
  const max = isV4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
  if (!(isV4 || isV6) || !prefixOk || extra !== undefined) throw new CliError('usage', `--source: not an IPv4 or IPv6 address or CIDR: '${source}'`);
}

export function isIpv6(source: string): boolean {
  return source.includes(':');
}

export function parseRuleInput(input: RuleInput): FirewallRule {
  if ((input.port === undefined) === (input.service === undefined)) throw new CliError('usage', 'give either PORT[/PROTO] or --service NAME');
  const rule: FirewallRule = {};
  if (input.port !== undefined) {
    const [port, proto, extra] = input.port.split('/');
    if (extra !== undefined || (proto !== undefined && proto !== 'tcp' && proto !== 'udp')) throw new CliError('usage', `RULE is PORT[/tcp|/udp]: '${input.port}'`);
    checkPort(port!);
    rule.port = port!;
    if (proto) rule.proto = proto as Protocol;
  } else {
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(input.service!)) throw new CliError('usage', `--service: not a service name: '${input.service}'`);
    rule.service = input.service!;
  }
  if (input.source !== undefined) {
    checkCidr(input.source);
    rule.source = input.source;
  }
  if (input.zone !== undefined) {
    if (!/^[A-Za-z0-9_-]+$/.test(input.zone)) throw new CliError('usage', `--zone: not a zone name: '${input.zone}'`);
    rule.zone = input.zone;
  }
  return rule;
}

/** "8080/tcp from 10.0.0.0/8", "service http", for messages. */
export function describeRule(r: FirewallRule): string {
  const what = r.service !== undefined ? `service ${r.service}` : `${r.port}${r.proto ? `/${r.proto}` : ''}`;
  return `${what}${r.source ? ` from ${r.source}` : ''}${r.zone ? ` in zone ${r.zone}` : ''}`;
}
