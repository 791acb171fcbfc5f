import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editIptables, parseInputAllow, readIptables } from '../../src/firewall/iptables.js';

const sample = (name: string) => readFileSync(new URL(`./samples/firewall/${name}`, import.meta.url), 'utf8');
const V4 = sample('debian12-rules.v4');
const V6 = sample('debian12-rules.v6');
const RHEL7 = sample('rhel7-sysconfig-iptables');

describe('parseInputAllow', () => {
  it.each([
    ['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', { port: '22', proto: 'tcp' }],
    ['-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT', { port: '5432', proto: 'tcp', source: '10.0.0.0/8' }],
    ['-A INPUT -p udp --dport 53 -j ACCEPT', { port: '53', proto: 'udp' }],
    ['-A INPUT -p tcp -m multiport --dports 6000:6007 -j ACCEPT', { port: '6000-6007', proto: 'tcp' }],
    ['-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT', { port: '22', proto: 'tcp' }],
    ['-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 80 -j ACCEPT', { port: '80', proto: 'tcp' }],
  ])('%s', (line, rule) => expect(parseInputAllow(line)).toEqual(rule));

  it('leaves out anything but a plain allow: an interface, another target, a port list, another chain', () => {
    const others = `-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j DROP
-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT`;
    expect(others.split('\n').map(parseInputAllow)).toEqual([null, null, null, null, null]);
  });
});

describe('readIptables', () => {
  it('lists the INPUT allow rules of *filter (not nat), a rule in both files once', () => {
    expect(readIptables(V4, V6)).toEqual([
      { port: '22', proto: 'tcp', origin: '/etc/iptables/rules.v4:18', text: '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT' },
      { port: '5432', proto: 'tcp', source: '10.0.0.0/8', origin: '/etc/iptables/rules.v4:19', text: '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT' },
      { port: '53', proto: 'udp', origin: '/etc/iptables/rules.v4:20', text: '-A INPUT -p udp -m udp --dport 53 -j ACCEPT' },
      { port: '6000-6007', proto: 'tcp', origin: '/etc/iptables/rules.v4:21', text: '-A INPUT -p tcp -m multiport --dports 6000:6007 -j ACCEPT' },
      { port: '443', proto: 'tcp', source: '2001:db8::/32', origin: '/etc/iptables/rules.v6:10', text: '-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 443 -j ACCEPT' },
    ]);
  });

  it('reads RHEL 7 /etc/sysconfig/iptables', () => {
    expect(readIptables(RHEL7, '', { v4: '/etc/sysconfig/iptables', v6: '/etc/sysconfig/ip6tables' })).toEqual([
      { port: '22', proto: 'tcp', origin: '/etc/sysconfig/iptables:11', text: '-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT' },
    ]);
  });
});

describe('editIptables', () => {
  it('adds at the end of the INPUT rules, in both files without a source, and keeps the rest', () => {
    const r = editIptables(V4, V6, { kind: 'add', rule: { port: '8080', proto: 'tcp' } });
    expect(r.v4).toBe(V4.replace('--dports 6000:6007 -j ACCEPT\n', '--dports 6000:6007 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT\n'));
    expect(r.v6).toBe(V6.replace('--dport 443 -j ACCEPT\n', '--dport 443 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT\n'));
  });

  it('an IPv4 source goes to rules.v4 only, an IPv6 source to rules.v6 only', () => {
    const four = editIptables(V4, V6, { kind: 'add', rule: { port: '3306', proto: 'tcp', source: '192.168.1.0/24' } });
    expect(four.v6).toBe(V6);
    expect(four.v4).toContain('-A INPUT -p tcp -m multiport --dports 6000:6007 -j ACCEPT\n-A INPUT -s 192.168.1.0/24 -p tcp -m tcp --dport 3306 -j ACCEPT\nCOMMIT');
    const six = editIptables(V4, V6, { kind: 'add', rule: { port: '3306', proto: 'tcp', source: 'fd00::/8' } });
    expect(six.v4).toBe(V4);
    expect(six.v6).toContain('-A INPUT -s fd00::/8 -p tcp -m tcp --dport 3306 -j ACCEPT\nCOMMIT');
  });

  it('puts the rule before RHEL’s trailing REJECT, a rule without protocol as tcp and udp lines', () => {
    const r = editIptables(RHEL7, '', { kind: 'add', rule: { port: '53' } });
    expect(r.v4).toBe(
      RHEL7.replace(
        '-A INPUT -j REJECT --reject-with icmp-host-prohibited\n',
        '-A INPUT -p tcp -m tcp --dport 53 -j ACCEPT\n-A INPUT -p udp -m udp --dport 53 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n',
      ),
    );
    expect(editIptables(r.v4, '', { kind: 'remove', rule: { port: '53' } }).v4).toBe(RHEL7);
  });

  it('adds only the protocol that is missing, and is idempotent', () => {
    const r = editIptables(V4, V6, { kind: 'add', rule: { port: '53' } });
    expect(r.v4).toBe(V4.replace('--dports 6000:6007 -j ACCEPT\n', '--dports 6000:6007 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 53 -j ACCEPT\n'));
    expect(editIptables(r.v4, r.v6, { kind: 'add', rule: { port: '53' } })).toEqual(r);
    expect(editIptables(V4, V6, { kind: 'remove', rule: { port: '9999', proto: 'tcp' } })).toEqual({ v4: V4, v6: V6 });
  });

  it('removes an exact match only (the RHEL state form too)', () => {
    expect(editIptables(V4, V6, { kind: 'remove', rule: { port: '5432', proto: 'tcp' } }).v4).toBe(V4);
    expect(editIptables(V4, V6, { kind: 'remove', rule: { port: '5432', proto: 'tcp', source: '10.0.0.0/8' } }).v4).toBe(V4.replace('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT\n', ''));
    expect(editIptables(RHEL7, '', { kind: 'remove', rule: { port: '22', proto: 'tcp' } }).v4).toBe(RHEL7.replace('-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT\n', ''));
  });

  it('a file without a filter table (or empty) gets one', () => {
    const nat = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n';
    const r = editIptables(nat, '', { kind: 'add', rule: { port: '6000-6007', proto: 'tcp' } });
    const table = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 6000:6007 -j ACCEPT\nCOMMIT\n';
    expect(r.v4).toBe(nat + table);
    expect(r.v6).toBe(table);
  });
});
