import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupService, resolveServiceRule } from '../../src/firewall/services-file.js';

// Debian 12's /etc/services (netbase 6.4), read from the netstacks fixture.
const SERVICES = readFileSync(new URL('./samples/firewall/debian12-services', import.meta.url), 'utf8');

describe('lookupService on Debian 12 /etc/services', () => {
  it.each([
    ['ssh', { port: '22', proto: 'tcp' }],
    ['http', { port: '80', proto: 'tcp' }],
    ['www', { port: '80', proto: 'tcp' }], // an alias
    ['domain', { port: '53' }], // tcp and udp
    ['ntp', { port: '123', proto: 'udp' }],
    ['postgresql', { port: '5432', proto: 'tcp' }],
    ['https', { port: '443' }],
    ['no-such-service', undefined],
  ])('%s', (name, expected) => expect(lookupService(SERVICES, name)).toEqual(expected));
});

describe('lookupService on a hand-written file', () => {
  it('tabs, comments, aliases, a name listed for both protocols', () => {
    const text = 'ssh\t\t22/tcp\t\t\t# SSH\ndomain\t\t53/tcp\ndomain\t\t53/udp\nhttp\t\t80/tcp\t\twww\n';
    expect(lookupService(text, 'www')).toEqual({ port: '80', proto: 'tcp' });
    expect(lookupService(text, 'domain')).toEqual({ port: '53' });
    expect(lookupService(text, 'nope')).toBeUndefined();
  });
});

describe('resolveServiceRule', () => {
  it('replaces the service by its port, keeps the source, narrows by a given protocol', () => {
    expect(resolveServiceRule({ service: 'ssh', source: '10.0.0.0/8' }, SERVICES)).toEqual({ port: '22', proto: 'tcp', source: '10.0.0.0/8' });
    expect(resolveServiceRule({ service: 'domain', proto: 'udp' }, SERVICES)).toEqual({ port: '53', proto: 'udp' });
    expect(resolveServiceRule({ port: '8080' }, SERVICES)).toEqual({ port: '8080' });
  });

  it('refuses an unknown service and a protocol the service does not have', () => {
    expect(() => resolveServiceRule({ service: 'nope' }, SERVICES)).toThrow("service 'nope' is not in the guest's /etc/services");
    expect(() => resolveServiceRule({ service: 'ssh', proto: 'udp' }, SERVICES)).toThrow(/tcp only/);
  });
});
