// Can this host run the guest's programs? (same architecture, or a qemu-user binfmt handler)

import { readFileSync } from 'node:fs';
import { CliError } from '../util/errors.js';
import { elfArch, hostArchName } from '../parsers/elf.js';

/** qemu-user binfmt handler names for the architecture names elfArch() reports. */
function qemuArchName(arch: string): string {
  const map: Record<string, string> = {
    amd64: 'x86_64',
    x86_64: 'x86_64',
    i386: 'i386',
    i486: 'i386',
    i586: 'i386',
    i686: 'i386',
    x86: 'i386',
    arm64: 'aarch64',
    aarch64: 'aarch64',
    arm: 'arm',
    armhf: 'arm',
    armel: 'arm',
    armv7l: 'arm',
    ppc64el: 'ppc64le',
    ppc64le: 'ppc64le',
    ppc64: 'ppc64',
    s390x: 's390x',
    riscv64: 'riscv64',
    mips: 'mips',
    mipsel: 'mipsel',
    mips64el: 'mips64el',
    loongarch64: 'loongarch64',
  };
  return map[arch] ?? arch;
}

/** Can this host run the guest's arch natively (same arch, or 32-bit x86 on x86_64)? */
function runsNatively(guest: string, host: string): boolean {
  const g = qemuArchName(guest);
  const h = qemuArchName(host);
  return g === h || (h === 'x86_64' && g === 'i386');
}

function binfmtHandlerEnabled(qemuArch: string): boolean {
  try {
    const text = readFileSync(`/proc/sys/fs/binfmt_misc/qemu-${qemuArch}`, 'utf8');
    return text.split('\n')[0]?.trim() === 'enabled';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false; // no such handler (or no binfmt_misc)
    throw err;
  }
}

/**
 * Throw when the guest's programs (judged by the ELF header of one of them, e.g. /bin/sh)
 * cannot run on this host: a different architecture with no qemu-user binfmt handler.
 * An unrecognised header is not an error (the sandbox will report what goes wrong).
 */
export function checkArch(guestElfHeader: Buffer): void {
  const info = elfArch(guestElfHeader);
  if (!info) return;
  const host = hostArchName();
  if (runsNatively(info.arch, host)) return;
  if (binfmtHandlerEnabled(qemuArchName(info.arch))) return;
  throw new CliError(
    'unsupported',
    `the guest is ${info.arch} and this host is ${host}: its programs cannot run here (install qemu-user-static and binfmt-support to run foreign binaries)`,
  );
}
