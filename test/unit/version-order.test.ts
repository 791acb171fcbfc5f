import { describe, expect, it } from 'vitest';
import { compareDebianVersions, compareRpmVersions, rpmvercmp } from '../../src/packages/version-order.js';

// Pairs checked against dpkg --compare-versions (Debian 12) and rpmdev-vercmp (Rocky 9).

const sign = (n: number) => Math.sign(n);

describe('compareDebianVersions', () => {
  it.each([
    ['6.1.0-0', '6.1.176-1', -1],
    ['6.1.176-1', '6.1.158-1', 1],
    ['6.1.0-13', '6.1.0-9', 1],
    ['1:1.0', '2.0', 1],
    ['1.0~rc1-1', '1.0-1', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0a', '1.0+', -1],
    ['5.15.0-91.101', '5.15.0-91.101', 0],
    ['2.38.1-5+deb12u3', '2.38.1-5', 1],
    ['1.01', '1.1', 0],
    ['1.0-1', '1.0', 1],
  ])('%s vs %s', (a, b, want) => {
    expect(sign(compareDebianVersions(a, b))).toBe(want);
    expect(sign(compareDebianVersions(b, a))).toBe(-want || 0);
  });
});

describe('rpmvercmp', () => {
  it.each([
    ['5.14.0', '5.14.0', 0],
    ['362.8.1.el9_3', '362.el9', 1],
    ['427.13.1.el9_4', '362.24.1.el9_3', 1],
    ['1.0', '1.0a', -1],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.a', '1.1', -1],
    ['6.8.9', '6.10.0', -1],
    // Whole kernel releases, as grub show orders /boot kernels and BLS entries (grub's blscfg sorts with rpm's order).
    ['6.11.4-301.fc41.x86_64', '6.9.12-200.fc40.x86_64', 1],
    ['4.18.0-553.el8_10.x86_64', '4.18.0-553.el8_10.x86_64', 0],
    ['5.14.0-70.13.1', '5.14.0-162.6.1', -1],
  ])('%s vs %s', (a, b, want) => {
    expect(sign(rpmvercmp(a, b))).toBe(want);
    expect(sign(rpmvercmp(b, a))).toBe(-want || 0);
  });

  it('version first, then release', () => {
    expect(sign(compareRpmVersions({ version: '5.14.0', release: '427.el9' }, { version: '5.14.0', release: '362.el9' }))).toBe(1);
    expect(sign(compareRpmVersions({ version: '6.5.6', release: '300.fc39' }, { version: '6.10.3', release: '100.fc40' }))).toBe(-1);
  });
});
