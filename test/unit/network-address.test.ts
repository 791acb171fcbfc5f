import { describe, expect, it } from 'vitest';
import { addressError, cidrError, destinationError, netmaskToPrefix, parseCidr, prefixToNetmask } from '../../src/network/address.js';

describe('address and CIDR checks', () => {
  it.each([
    ['192.168.1.10/24', { address: '192.168.1.10', prefix: 24, family: 4 }],
    ['10.0.0.1/32', { address: '10.0.0.1', prefix: 32, family: 4 }],
    ['2001:db8::5/64', { address: '2001:db8::5', prefix: 64, family: 6 }],
    ['::/0', { address: '::', prefix: 0, family: 6 }],
    ['192.168.1.10/33', null],
    ['2001:db8::5/129', null],
    ['192.168.1.256/24', null],
    ['192.168.1.10', null],
    ['192.168.1.10/24/1', null],
  ])('parseCidr(%s)', (s, want) => expect(parseCidr(s)).toEqual(want));

  it('names the problem in one line', () => {
    expect(cidrError('192.168.1.10')).toBe("'192.168.1.10' has no prefix length (write ADDR/PREFIX, e.g. 192.168.1.10/24)");
    expect(cidrError('300.1.1.1/24')).toBe("'300.1.1.1' is not an IPv4 or IPv6 address");
    expect(cidrError('10.0.0.1/40')).toBe("prefix length '40' of '10.0.0.1/40' is not between 0 and 32");
    expect(cidrError('fe80::1/200')).toBe("prefix length '200' of 'fe80::1/200' is not between 0 and 128");
    expect(cidrError('10.0.0.0/8')).toBeNull();
    expect(addressError('gateway')).toBe("'gateway' is not an IPv4 or IPv6 address");
    expect(addressError('fe80::1')).toBeNull();
    expect(destinationError('default')).toBeNull();
  });

  it('converts between netmasks and prefix lengths', () => {
    expect([0, 8, 23, 24, 32].map(prefixToNetmask)).toEqual(['0.0.0.0', '255.0.0.0', '255.255.254.0', '255.255.255.0', '255.255.255.255']);
    expect(['0.0.0.0', '255.255.255.0', '255.255.254.0', '255.255.255.255'].map(netmaskToPrefix)).toEqual([0, 24, 23, 32]);
    expect(netmaskToPrefix('255.0.255.0')).toBeNull();
    expect(netmaskToPrefix('nope')).toBeNull();
  });
});
