import { describe, expect, it } from 'vitest';
import { keySpecFor, parseKeySpec } from '../../src/luks/key-spec.js';

describe('parseKeySpec', () => {
  it.each([
    ['/dev/sda2:key:secret', { selector: { kind: 'device', device: '/dev/sda2' }, source: { kind: 'key', passphrase: 'secret' } }],
    ['/dev/sda2:key:a:b::c', { selector: { kind: 'device', device: '/dev/sda2' }, source: { kind: 'key', passphrase: 'a:b::c' } }],
    ['/dev/sda2:key:', { selector: { kind: 'device', device: '/dev/sda2' }, source: { kind: 'key', passphrase: '' } }],
    ['all:file:/root/k', { selector: { kind: 'all' }, source: { kind: 'file', path: '/root/k' } }],
    ['all:key:x', { selector: { kind: 'all' }, source: { kind: 'key', passphrase: 'x' } }],
    ['E8A9260C-4C09-48AF-85BA-F798D4BE358C:file:k.txt', { selector: { kind: 'uuid', uuid: 'e8a9260c-4c09-48af-85ba-f798d4be358c' }, source: { kind: 'file', path: 'k.txt' } }],
  ])('%s', (value, spec) => {
    expect(parseKeySpec(value)).toEqual(spec);
  });

  it.each([
    ['secret', /DEVICE:key:PASSPHRASE/],
    [':key:secret', /DEVICE:key:PASSPHRASE/],
    ['/dev/sda2:secret', /DEVICE:key:PASSPHRASE/],
    ['/dev/sda2:clevis:x', /unknown key type 'clevis'/],
    ['/dev/sda2:file:', /needs a file name/],
  ])('rejects %s', (value, error) => {
    expect(() => parseKeySpec(value)).toThrow(error);
  });

  it('never repeats a passphrase in its error', () => {
    expect(() => parseKeySpec('/dev/sda2:kee:hunter2')).toThrow(/^(?!.*hunter2)/);
  });
});

describe('keySpecFor', () => {
  const specs = ['all:key:fallback', '/dev/sda2:key:bydev', 'e8a9260c-4c09-48af-85ba-f798d4be358c:key:byuuid', '/dev/sda2:key:second'].map(parseKeySpec);
  const pass = (s: ReturnType<typeof keySpecFor>) => (s?.source.kind === 'key' ? s.source.passphrase : undefined);

  it.each([
    [['/dev/sda2'], null, 'bydev'],
    [['/dev/vg/lv', '/dev/mapper/vg-lv'], 'E8A9260C-4C09-48AF-85BA-F798D4BE358C', 'byuuid'],
    [['/dev/sdb1'], null, 'fallback'],
  ])('%j %s', (names, uuid, expected) => {
    expect(pass(keySpecFor(specs, names, uuid))).toBe(expected);
  });

  it('finds nothing without a match or `all`', () => {
    expect(keySpecFor([parseKeySpec('/dev/sda2:key:x')], ['/dev/sda3'], null)).toBeUndefined();
  });
});
