// The architecture of an ELF binary from its header, named the way `uname -m` and the
// distributions name it; and the same name for the host Node runs on.

import { endianness } from 'node:os';

export interface ElfArch {
  arch: string;
  bits: 32 | 64;
  endian: 'le' | 'be';
}

type Namer = (bits: 32 | 64, endian: 'le' | 'be') => string;

// e_machine values from the ELF specification / <elf.h>.
const MACHINES: Record<number, Namer> = {
  2: () => 'sparc',
  3: () => 'i386',
  4: () => 'm68k',
  8: (bits, endian) => (bits === 64 ? 'mips64' : 'mips') + (endian === 'le' ? 'el' : ''),
  15: (bits) => (bits === 64 ? 'hppa64' : 'hppa'),
  18: () => 'sparc', // EM_SPARC32PLUS
  20: () => 'ppc',
  21: (_bits, endian) => (endian === 'le' ? 'ppc64le' : 'ppc64'),
  22: (bits) => (bits === 64 ? 's390x' : 's390'),
  40: (_bits, endian) => (endian === 'be' ? 'armeb' : 'arm'),
  42: () => 'sh4',
  43: () => 'sparc64',
  50: () => 'ia64',
  62: (bits) => (bits === 64 ? 'x86_64' : 'x32'),
  183: () => 'aarch64',
  243: (bits) => (bits === 64 ? 'riscv64' : 'riscv32'),
  258: (bits) => (bits === 64 ? 'loongarch64' : 'loongarch32'),
  0x9026: () => 'alpha',
};

/**
 * Decode the first bytes (at least 20; 64 is a full header) of an ELF file.
 * Null when it is not ELF or the class/data bytes are invalid; an unknown machine gives
 * arch 'elf-machine-N'.
 */
export function elfArch(header: Buffer): ElfArch | null {
  if (header.length < 20) return null;
  if (header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return null;
  const bits = header[4] === 1 ? 32 : header[4] === 2 ? 64 : null;
  const endian = header[5] === 1 ? 'le' : header[5] === 2 ? 'be' : null;
  if (bits === null || endian === null) return null;
  const machine = endian === 'le' ? header.readUInt16LE(18) : header.readUInt16BE(18);
  const namer = MACHINES[machine];
  return { arch: namer ? namer(bits, endian) : `elf-machine-${machine}`, bits, endian };
}

const NODE_ARCHES: Record<string, string> = {
  x64: 'x86_64',
  ia32: 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  riscv64: 'riscv64',
  s390x: 's390x',
  s390: 's390',
  loong64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mipsel',
  mips64el: 'mips64el',
  ppc: 'ppc',
};

/** The host's architecture in the same vocabulary as elfArch (x64 → x86_64, arm64 → aarch64). */
export function hostArchName(arch: string = process.arch, endian: 'LE' | 'BE' = endianness()): string {
  if (arch === 'ppc64') return endian === 'LE' ? 'ppc64le' : 'ppc64';
  return NODE_ARCHES[arch] ?? arch;
}
