import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyNftChange, listNftRules, nftIncludes, type NftFile } from '../../src/firewall/nftables.js';
import { detectFirewall, ufwConfEnabled } from '../../src/firewall/detect.js';
import { parseRuleInput } from '../../src/firewall/rule-arg.js';
import { firewalldChangeArgs, parseListAll } from '../../src/firewall/firewalld.js';

// Real files: Debian 12's /etc/nftables.conf as the nftables package ships it; RHEL 9's
// /etc/sysconfig/nftables.conf (include uncommented) and its sample /etc/nftables/main.nft; a
// hand-written policy-drop chain.
const sample = (name: string) => readFileSync(new URL(`samples/nftables/${name}`, import.meta.url), 'utf8');
const DEBIAN12 = sample('debian12-nftables.conf');
const RHEL9_SYSCONFIG = sample('rhel9-sysconfig-nftables.conf');
const RHEL9_MAIN = sample('rhel9-main.nft');
const POLICY_DROP = sample('policy-drop.conf');

const f = (path: string, text: string): NftFile => ({ path, text });

describe('nftables editor on real files', () => {
  it('Debian 12 default: add appends to the input chain, remove gives the file back byte for byte', () => {
    const files = [f('/etc/nftables.conf', DEBIAN12)];
    const add = applyNftChange(files, { kind: 'add', rule: { port: '8080', proto: 'tcp' } });
    expect(add.after).toBe(DEBIAN12.replace('priority filter;\n\t}\n\tchain forward', 'priority filter;\n\t\ttcp dport 8080 accept\n\t}\n\tchain forward'));
    const src = applyNftChange([f(add.path, add.after)], { kind: 'add', rule: { port: '22', proto: 'tcp', source: '10.0.0.0/8' } });
    expect(listNftRules([f(src.path, src.after)]).map((r) => [r.port, r.proto, r.source, r.origin])).toEqual([
      ['8080', 'tcp', undefined, '/etc/nftables.conf:8'],
      ['22', 'tcp', '10.0.0.0/8', '/etc/nftables.conf:9'],
    ]);
    const r1 = applyNftChange([f(src.path, src.after)], { kind: 'remove', rule: { port: '22', proto: 'tcp', source: '10.0.0.0/8' } });
    const r2 = applyNftChange([f(r1.path, r1.after)], { kind: 'remove', rule: { port: '8080', proto: 'tcp' } });
    expect(r2.after).toBe(DEBIAN12);
  });

  it('RHEL 9 layout: the include is found, the rule goes before the trailing reject', () => {
    expect(nftIncludes(RHEL9_SYSCONFIG)).toEqual(['/etc/nftables/main.nft']);
    const files = [f('/etc/sysconfig/nftables.conf', RHEL9_SYSCONFIG), f('/etc/nftables/main.nft', RHEL9_MAIN)];
    const add = applyNftChange(files, { kind: 'add', rule: { port: '8080', proto: 'tcp' } });
    expect(add.path).toBe('/etc/nftables/main.nft');
    expect(add.after).toContain('                jump allow\n                tcp dport 8080 accept\n                reject with icmpx');
  });

  it('a policy drop chain: sets are listed per port, add appends at the end, a set member cannot be removed alone', () => {
    const files = [f('/etc/nftables.conf', POLICY_DROP)];
    expect(listNftRules(files).map((r) => `${r.port}/${r.proto}`)).toEqual(['22/tcp', '443/tcp', '60000-61000/udp']);
    const add = applyNftChange(files, { kind: 'add', rule: { port: '53' } });
    expect(add.after).toContain('    udp dport 60000-61000 accept\n    meta l4proto { tcp, udp } th dport 53 accept\n  }');
    expect(() => applyNftChange(files, { kind: 'remove', rule: { port: '22', proto: 'tcp' } })).toThrow(/one port of `tcp dport \{ 22, 443 \} accept`/);
    expect(() => applyNftChange(files, { kind: 'remove', rule: { port: '80', proto: 'tcp' } })).toThrow(/no such allow rule/);
    expect(applyNftChange(files, { kind: 'add', rule: { port: '443', proto: 'tcp' } }).after).toBe(POLICY_DROP);
  });

  it('includes: the chain in an included file is edited there; an IPv6 source needs an inet table', () => {
    const main = '#!/usr/sbin/nft -f\nflush ruleset\ninclude "/etc/nftables.d/*.nft"\n';
    const inc = 'table ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 22 accept\n\t\tdrop\n\t}\n}\n';
    const files = [f('/etc/nftables.conf', main), f('/etc/nftables.d/10-filter.nft', inc)];
    const add = applyNftChange(files, { kind: 'add', rule: { port: '80', proto: 'tcp', source: '192.168.1.0/24' } });
    expect(add.path).toBe('/etc/nftables.d/10-filter.nft');
    expect(add.after).toContain('\t\ttcp dport 22 accept\n\t\tip saddr 192.168.1.0/24 tcp dport 80 accept\n\t\tdrop\n');
    expect(() => applyNftChange(files, { kind: 'add', rule: { port: '80', proto: 'tcp', source: 'fd00::/8' } })).toThrow(/IPv6/);
  });
});

describe('detection', () => {
  const d = (units: string[], ufw = false) => detectFirewall({ enabledUnits: new Set(units), ufwEnabled: ufw });
  it.each([
    [['firewalld.service', 'nftables.service'], false, 'firewalld', ['nftables']],
    [['ufw.service', 'nftables.service'], true, 'ufw', ['nftables']],
    [['ufw.service', 'nftables.service'], false, 'nftables', []],
    [['netfilter-persistent.service'], false, 'iptables', []],
  ])('%j (ufw.conf enabled: %s) → %s', (units, ufw, backend, passed) => {
    const r = d(units, ufw);
    expect([r.backend, r.passedOver]).toEqual([backend, passed]);
  });
  it('none enabled names the choices', () => {
    expect(() => d([])).toThrow('no firewall is enabled in the guest: enable one of firewalld, ufw, nftables (nftables.service), iptables-persistent (netfilter-persistent.service)');
  });
  it('ufw.conf ENABLED', () => {
    expect(ufwConfEnabled('# comment\nENABLED=no\nENABLED=yes\n')).toBe(true);
    expect(ufwConfEnabled('ENABLED="no"\n')).toBe(false);
  });
});

describe('rule arguments, firewalld', () => {
  it.each([
    [{ port: '8080/tcp' }, { port: '8080', proto: 'tcp' }],
    [{ port: '6000-6010/udp', source: 'fd00::/8' }, { port: '6000-6010', proto: 'udp', source: 'fd00::/8' }],
    [{ service: 'http', zone: 'internal' }, { service: 'http', zone: 'internal' }],
  ])('%j', (input, rule) => expect(parseRuleInput(input)).toEqual(rule));
  it.each([[{ port: '70000' }], [{ port: '80/sctp' }], [{ port: '80', source: '10.0.0.0/33' }], [{}], [{ port: '80', service: 'http' }]])('refuses %j', (input) => {
    expect(() => parseRuleInput(input)).toThrow();
  });
  it('firewalld arguments and --list-all', () => {
    expect(firewalldChangeArgs({ kind: 'add', rule: { port: '53' } })).toEqual(['--add-port=53/tcp', '--add-port=53/udp']);
    expect(firewalldChangeArgs({ kind: 'remove', rule: { service: 'http', source: '10.0.0.0/8' } })).toEqual(['--remove-rich-rule=rule family="ipv4" source address="10.0.0.0/8" service name="http" accept']);
    const out = 'public\n  target: default\n  services: dhcpv6-client ssh\n  ports: 8080/tcp\n  rich rules: \n\trule family="ipv4" source address="10.0.0.0/8" port port="22" protocol="tcp" accept\n';
    expect(parseListAll(out).map((r) => [r.service ?? r.port, r.proto, r.source, r.zone])).toEqual([
      ['dhcpv6-client', undefined, undefined, 'public'],
      ['ssh', undefined, undefined, 'public'],
      ['8080', 'tcp', undefined, 'public'],
      ['22', 'tcp', '10.0.0.0/8', 'public'],
    ]);
  });
});
