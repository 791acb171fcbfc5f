import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// libvirt's test driver with our own domains: `test:///ABSOLUTE/PATH.xml` describes a
// whole fake hypervisor in one file (each virsh connection reads it afresh, so changes do
// not persist between virsh calls). <test:runstate> sets a domain's state (1 running,
// 3 paused, 5 shut off).

export interface TestDomain {
  name: string;
  /** libvirt state number: 1 running (default), 3 paused, 5 shut off. */
  state?: number;
  maxKiB?: number;
  currentKiB?: number;
  vcpus?: number;
  /** CD-ROM drives: their medium, or null for an empty one (targets hdc, hdd, sdc, …). */
  cdroms?: (string | null)[];
  disk?: string;
  /** Further disks (targets vdb, vdc...). */
  moreDisks?: string[];
}

const CDROM_TARGETS = ['hdc', 'hdd', 'sdc', 'sdd', 'sde'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

export function testDriverXml(domains: TestDomain[]): string {
  const doms = domains.map((d) => {
    const cdroms = (d.cdroms ?? []).map(
      (src, i) =>
        `      <disk type='file' device='cdrom'>${src ? `<source file='${esc(src)}'/>` : ''}<target dev='${CDROM_TARGETS[i]}' bus='${i < 2 ? 'ide' : 'sata'}'/><readonly/></disk>`,
    );
    return `  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>${esc(d.name)}</name>
    <memory unit='KiB'>${d.maxKiB ?? 1048576}</memory>
    <currentMemory unit='KiB'>${d.currentKiB ?? d.maxKiB ?? 1048576}</currentMemory>
    <vcpu>${d.vcpus ?? 1}</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
${[d.disk, ...(d.moreDisks ?? [])]
  .filter((f): f is string => f !== undefined)
  .map((f, i) => `      <disk type='file' device='disk'><source file='${esc(f)}'/><target dev='vd${String.fromCharCode(97 + i)}' bus='virtio'/></disk>\n`)
  .join('')}${cdroms.join('\n')}
    </devices>
    <test:runstate>${d.state ?? 1}</test:runstate>
  </domain>`;
  });
  return `<node>\n${doms.join('\n')}\n</node>\n`;
}

/** Write the XML into dir/NAME.xml and return its test:/// URI. */
export function testDriverUri(dir: string, name: string, domains: TestDomain[]): string {
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, testDriverXml(domains));
  return `test://${file}`;
}
