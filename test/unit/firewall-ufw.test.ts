import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FirewallRule } from '../../src/firewall/model.js';
import { editUfw, readUfw } from '../../src/firewall/ufw.js';

// The samples are what Debian 12's ufw 0.36.2 wrote, run offline in guestctl's jail on the
// netstacks fixture: the package's fresh files, then after each of these commands in turn.
const sample = (name: string) => readFileSync(new URL(`./samples/firewall/ufw/${name}`, import.meta.url), 'utf8');
const files = (step: string) => ({ userRules: sample(`${step}.user.rules`), user6Rules: sample(`${step}.user6.rules`) });

const STEPS: [string, string, FirewallRule][] = [
  ['fresh', '1-allow-22-tcp', { port: '22', proto: 'tcp' }], // ufw allow 22/tcp
  ['1-allow-22-tcp', '2-from-10-8-port-5432-tcp', { port: '5432', proto: 'tcp', source: '10.0.0.0/8' }], // ufw allow from 10.0.0.0/8 to any port 5432 proto tcp
  ['2-from-10-8-port-5432-tcp', '3-allow-53', { port: '53' }], // ufw allow 53
  ['3-allow-53', '4-allow-6000-6007-tcp', { port: '6000-6007', proto: 'tcp' }], // ufw allow 6000:6007/tcp
  ['4-allow-6000-6007-tcp', '5-from-2001-db8-port-443-tcp', { port: '443', proto: 'tcp', source: '2001:db8::/32' }],
  ['5-from-2001-db8-port-443-tcp', '6-allow-8080', { port: '8080' }],
];

describe('editUfw writes what ufw allow writes', () => {
  it.each(STEPS.slice(1))('%s → %s', (before, after, rule) => {
    const b = files(before);
    expect(editUfw(b.userRules, b.user6Rules, { kind: 'add', rule })).toEqual(files(after));
  });

  it('ufw delete allow 53', () => {
    const b = files('6-allow-8080');
    expect(editUfw(b.userRules, b.user6Rules, { kind: 'remove', rule: { port: '53' } })).toEqual(files('7-delete-allow-53'));
  });

  it('is idempotent: adding a rule that is there, or removing one that is not, changes nothing', () => {
    const b = files('6-allow-8080');
    expect(editUfw(b.userRules, b.user6Rules, { kind: 'add', rule: { port: '22', proto: 'tcp' } })).toEqual(b);
    expect(editUfw(b.userRules, b.user6Rules, { kind: 'remove', rule: { port: '22', proto: 'udp' } })).toEqual(b);
  });
});

describe('editUfw on the package template (never rewritten by ufw)', () => {
  const fresh = files('fresh');
  const added = editUfw(fresh.userRules, fresh.user6Rules, { kind: 'add', rule: { port: '22', proto: 'tcp' } });

  it('puts ufw’s own rule lines after ### RULES ### and keeps every other line', () => {
    const ufw = files('1-allow-22-tcp');
    const block = (text: string) => text.split('\n').filter((l) => l.startsWith('### tuple') || l.includes('-user-input -p'));
    expect(block(added.userRules)).toEqual(block(ufw.userRules));
    expect(block(added.user6Rules)).toEqual(block(ufw.user6Rules));
    expect(added.userRules.split('\n').filter((l) => !block(added.userRules).includes(l) && l !== '')).toEqual(fresh.userRules.split('\n').filter((l) => l !== ''));
    expect(added.user6Rules).toBe(fresh.user6Rules.replace('### RULES ###\n', '### RULES ###\n\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n-A ufw6-user-input -p tcp --dport 22 -j ACCEPT\n'));
  });

  it('a second rule follows the first, and removing both gives the template back', () => {
    const two = editUfw(added.userRules, added.user6Rules, { kind: 'add', rule: { port: '53' } });
    expect(readUfw(two.userRules, two.user6Rules).map((r) => r.text)).toEqual(['allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in', 'allow any 53 0.0.0.0/0 any 0.0.0.0/0 in']);
    const one = editUfw(two.userRules, two.user6Rules, { kind: 'remove', rule: { port: '22', proto: 'tcp' } });
    expect(editUfw(one.userRules, one.user6Rules, { kind: 'remove', rule: { port: '53' } })).toEqual(fresh);
  });
});

describe('readUfw', () => {
  it('lists each rule once, with the file and line of its tuple', () => {
    const f = files('6-allow-8080');
    expect(readUfw(f.userRules, f.user6Rules)).toEqual([
      { port: '22', proto: 'tcp', origin: '/etc/ufw/user.rules:20', text: 'allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in' },
      { port: '5432', proto: 'tcp', source: '10.0.0.0/8', origin: '/etc/ufw/user.rules:23', text: 'allow tcp 5432 0.0.0.0/0 any 10.0.0.0/8 in' },
      { port: '53', origin: '/etc/ufw/user.rules:26', text: 'allow any 53 0.0.0.0/0 any 0.0.0.0/0 in' },
      { port: '6000-6007', proto: 'tcp', origin: '/etc/ufw/user.rules:30', text: 'allow tcp 6000:6007 0.0.0.0/0 any 0.0.0.0/0 in' },
      { port: '8080', origin: '/etc/ufw/user.rules:33', text: 'allow any 8080 0.0.0.0/0 any 0.0.0.0/0 in' },
      { port: '443', proto: 'tcp', source: '2001:db8::/32', origin: '/etc/ufw/user6.rules:28', text: 'allow tcp 443 ::/0 any 2001:db8::/32 in' },
    ]);
  });

  it('reads application rules by their profile name and skips deny, outgoing and routed rules', () => {
    const text = [
      '### RULES ###',
      '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in',
      '### tuple ### deny tcp 23 0.0.0.0/0 any 0.0.0.0/0 in',
      '### tuple ### allow tcp 25 0.0.0.0/0 any 0.0.0.0/0 out',
      '### tuple ### allow udp 123 0.0.0.0/0 any 0.0.0.0/0 in comment=6e7470',
      '### END RULES ###',
    ].join('\n');
    expect(readUfw(text, '').map(({ origin, text: t, ...r }) => r)).toEqual([
      { port: '22', proto: 'tcp', service: 'OpenSSH' },
      { port: '123', proto: 'udp' },
    ]);
  });

  it('refuses what ufw refuses', () => {
    const f = files('fresh');
    expect(() => editUfw(f.userRules, f.user6Rules, { kind: 'add', rule: { port: '6000-6007' } })).toThrow(/needs a protocol/);
    expect(() => editUfw(f.userRules, f.user6Rules, { kind: 'add', rule: { service: 'ssh' } })).toThrow(/needs a port/);
    for (const port of ['0', '65536', '99999', '8080-80', '22,80']) expect(() => editUfw(f.userRules, f.user6Rules, { kind: 'add', rule: { port, proto: 'tcp' } })).toThrow(/not a port/);
  });
});
