import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elfArch, hostArchName } from '../../src/parsers/elf.js';

function header(bits: 32 | 64, endian: 'le' | 'be', machine: number): Buffer {
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = bits === 64 ? 2 : 1;
  h[5] = endian === 'le' ? 1 : 2;
  h[6] = 1; // EI_VERSION
  if (endian === 'le') {
    h.writeUInt16LE(2, 16); // ET_EXEC
    h.writeUInt16LE(machine, 18);
  } else {
    h.writeUInt16BE(2, 16);
    h.writeUInt16BE(machine, 18);
  }
  return h;
}

function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

describe('elfArch', () => {
  it('recognises this machine’s /bin/ls as the host architecture', () => {
    const got = elfArch(firstBytes('/bin/ls', 64));
    expect(got).not.toBeNull();
    expect(got!.arch).toBe(hostArchName());
    expect(got!.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    expect(got!.bits).toBe(process.arch === 'ia32' || process.arch === 'arm' ? 32 : 64);
  });

  it.each<[number, 32 | 64, 'le' | 'be', string]>([
    [62, 64, 'le', 'x86_64'],
    [3, 32, 'le', 'i386'],
    [183, 64, 'le', 'aarch64'],
    [40, 32, 'le', 'arm'],
    [243, 64, 'le', 'riscv64'],
    [243, 32, 'le', 'riscv32'],
    [21, 64, 'le', 'ppc64le'],
    [21, 64, 'be', 'ppc64'],
    [20, 32, 'be', 'ppc'],
    [22, 64, 'be', 's390x'],
    [8, 32, 'be', 'mips'],
    [8, 32, 'le', 'mipsel'],
    [8, 64, 'le', 'mips64el'],
    [258, 64, 'le', 'loongarch64'],
    [43, 64, 'be', 'sparc64'],
    [0x9026, 64, 'le', 'alpha'],
    [9999, 64, 'le', 'elf-machine-9999'],
  ])('e_machine %i (%i-bit %s) → %s', (machine, bits, endian, arch) => {
    expect(elfArch(header(bits, endian, machine))).toEqual({ arch, bits, endian });
  });

  it('reads e_machine in the file’s own byte order', () => {
    // 0x3e00 would be read if a big-endian file were decoded as little-endian.
    expect(elfArch(header(64, 'be', 62))?.arch).toBe('x86_64');
  });

  it('returns null for non-ELF, truncated or invalid headers', () => {
    expect(elfArch(Buffer.from('#!/bin/sh\necho hi\n'))).toBeNull();
    expect(elfArch(Buffer.alloc(0))).toBeNull();
    expect(elfArch(header(64, 'le', 62).subarray(0, 19))).toBeNull();
    const badClass = header(64, 'le', 62);
    badClass[4] = 3;
    expect(elfArch(badClass)).toBeNull();
    const badData = header(64, 'le', 62);
    badData[5] = 0;
    expect(elfArch(badData)).toBeNull();
  });
});

describe('hostArchName', () => {
  it.each([
    ['x64', 'LE', 'x86_64'],
    ['arm64', 'LE', 'aarch64'],
    ['ia32', 'LE', 'i386'],
    ['arm', 'LE', 'arm'],
    ['ppc64', 'LE', 'ppc64le'],
    ['ppc64', 'BE', 'ppc64'],
    ['s390x', 'BE', 's390x'],
    ['riscv64', 'LE', 'riscv64'],
    ['loong64', 'LE', 'loongarch64'],
    ['mipsel', 'LE', 'mipsel'],
    ['something-new', 'LE', 'something-new'],
  ] as const)('%s (%s) → %s', (arch, endian, name) => expect(hostArchName(arch, endian)).toBe(name));

  it('defaults to this process', () => {
    expect(hostArchName()).toBe(hostArchName(process.arch));
  });
});
