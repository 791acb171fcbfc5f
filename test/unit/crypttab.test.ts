import { describe, expect, it } from 'vitest';
import { parseCrypttab } from '../../src/parsers/crypttab.js';

describe('crypttab', () => {
  it('reads names and sources as Debian, Ubuntu and Fedora installers write them', () => {
    const text = [
      '# <target name> <source device> <key file> <options>',
      'sda3_crypt UUID=6c617900-0000-4000-8000-000000000304 none luks,discard',
      'luks-0f1e2d3c-aaaa-bbbb-cccc-000000000001 UUID=0f1e2d3c-aaaa-bbbb-cccc-000000000001 none discard',
      'home_crypt /dev/disk/by-uuid/11111111-2222-3333-4444-555555555555 /etc/keys/home.key',
      'swap\t/dev/sda4\t/dev/urandom\tswap,cipher=aes-xts-plain64',
      '',
      'bad/name /dev/sda5',
      'lonely',
    ].join('\n');
    expect(parseCrypttab(text)).toEqual([
      { name: 'sda3_crypt', source: { kind: 'uuid', value: '6c617900-0000-4000-8000-000000000304' } },
      { name: 'luks-0f1e2d3c-aaaa-bbbb-cccc-000000000001', source: { kind: 'uuid', value: '0f1e2d3c-aaaa-bbbb-cccc-000000000001' } },
      { name: 'home_crypt', source: { kind: 'uuid', value: '11111111-2222-3333-4444-555555555555' } },
      { name: 'swap', source: { kind: 'device', value: '/dev/sda4' } },
    ]);
  });
});
