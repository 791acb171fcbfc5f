import type { Guest } from '../guest/types.js';
import { isFile } from '../guest/stat-or-null.js';

// Where a guest keeps its GRUB files: Debian/Ubuntu /boot/grub, Fedora/RHEL/SUSE /boot/grub2,
// and the grub.cfg an EFI-only RHEL 7/8 or Fedora before 34 keeps on the ESP.

export interface GrubFiles {
  /** The generated grub.cfg that exists, or null. */
  grubCfg: string | null;
  grubCfgCandidates: string[];
  grubenv: string | null;
}

const DIRS = ['/boot/grub', '/boot/grub2'];
const EFI_CFGS = ['/boot/efi/EFI/fedora/grub.cfg', '/boot/efi/EFI/redhat/grub.cfg', '/boot/efi/EFI/centos/grub.cfg', '/boot/efi/EFI/rocky/grub.cfg', '/boot/efi/EFI/almalinux/grub.cfg'];

export async function findGrubFiles(guest: Guest): Promise<GrubFiles> {
  let grubCfg: string | null = null;
  let grubenv: string | null = null;
  for (const d of DIRS) {
    grubCfg ??= (await isFile(guest.fs, `${d}/grub.cfg`)) ? `${d}/grub.cfg` : null;
    grubenv ??= (await isFile(guest.fs, `${d}/grubenv`)) ? `${d}/grubenv` : null;
  }
  for (const cfg of EFI_CFGS) grubCfg ??= (await isFile(guest.fs, cfg)) ? cfg : null;
  return { grubCfg, grubCfgCandidates: DIRS.map((d) => `${d}/grub.cfg`), grubenv };
}

export interface OtherLoader {
  loader: 'systemd-boot' | 'extlinux' | 'syslinux';
  config: string;
}

/** Each loader and where its configuration lives, in the order they are looked for. */
const OTHER: [OtherLoader['loader'], string[]][] = [
  ['systemd-boot', ['/boot/efi/loader/loader.conf', '/efi/loader/loader.conf', '/boot/loader/loader.conf']],
  ['extlinux', ['/boot/extlinux/extlinux.conf', '/extlinux.conf']],
  ['syslinux', ['/boot/syslinux/syslinux.cfg', '/syslinux.cfg']],
];

/** The boot loader a guest without GRUB configures instead, or null. */
export async function otherBootLoader(guest: Guest): Promise<OtherLoader | null> {
  for (const [loader, configs] of OTHER) for (const config of configs) if (await isFile(guest.fs, config)) return { loader, config };
  return null;
}

/** The guest's grub-mkconfig and where its output goes, or null. */
export async function findMkconfig(guest: Guest): Promise<{ mkconfig: string; scriptCheck: string; output: string } | null> {
  const tools = [
    { mkconfig: 'grub-mkconfig', scriptCheck: 'grub-script-check', output: '/boot/grub/grub.cfg' },
    { mkconfig: 'grub2-mkconfig', scriptCheck: 'grub2-script-check', output: '/boot/grub2/grub.cfg' },
  ];
  for (const t of tools) {
    for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (await isFile(guest.fs, `${dir}/${t.mkconfig}`)) return t;
  }
  return null;
}
