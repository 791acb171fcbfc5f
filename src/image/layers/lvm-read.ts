import { closeSync, openSync, readSync } from 'node:fs';
import { MDA_HEADER_SIZE, parseMdaHeader, readMetadataText } from '../../lvm/mda-header.js';
import { parseVolumeGroup, type VolumeGroup } from '../../lvm/metadata.js';
import { parsePvLabel, SECTOR, type PvLabel } from '../../lvm/pv-label.js';
import type { Volume } from '../volumes.js';

// Read one PV's label and newest metadata from the bytes of its volume, in userspace: the guest's
// VGs never reach the host's LVM. Every read stays inside the volume and is bounded in size.

/** lvm2's default metadata area is 1 MiB; a bigger one than this is not read. */
const MAX_AREA = 64 * 1024 * 1024;

export interface PvOnDisk {
  vol: Volume;
  label: PvLabel;
  /** The newest VG metadata among the PV's areas; null for a PV created without metadata copies. */
  vg: VolumeGroup | null;
  /** Why none of its metadata areas could be used (the VG may still come from another PV). */
  problem?: string;
}

type Read = (offset: number, length: number) => Buffer;

function volumeReader(vol: Volume, fd: number): Read {
  return (offset, length) => {
    if (offset < 0 || length < 0 || offset + length > vol.size) throw new Error(`bytes ${offset}+${length} lie outside the ${vol.size}-byte volume`);
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, vol.offset + offset);
    if (n !== length) throw new Error(`short read at ${offset} (${n} of ${length} bytes)`);
    return buf;
  };
}

export function readPv(vol: Volume): PvOnDisk {
  const fd = openSync(vol.source, 'r');
  try {
    const read = volumeReader(vol, fd);
    const label = parsePvLabel(read(0, Math.min(4 * SECTOR, vol.size)));
    const problems: string[] = [];
    let vg: VolumeGroup | null = null;
    for (const area of label.metadataAreas) {
      try {
        const found = readArea(read, area.offset, area.size);
        if (!vg || found.seqno > vg.seqno) vg = found;
      } catch (err) {
        problems.push(`metadata area at ${area.offset}: ${(err as Error).message}`);
      }
    }
    const out: PvOnDisk = { vol, label, vg };
    if (!vg && problems.length > 0) out.problem = problems.join('; ');
    return out;
  } finally {
    closeSync(fd);
  }
}

function readArea(read: Read, offset: number, size: number): VolumeGroup {
  if (size > MAX_AREA) throw new Error(`its size ${size} is more than the ${MAX_AREA} bytes read`);
  const header = parseMdaHeader(read(offset, MDA_HEADER_SIZE));
  if (header.start !== offset) throw new Error(`its header says it starts at ${header.start}`);
  if (header.size > size) throw new Error(`its header says ${header.size} bytes, the label ${size}`);
  return parseVolumeGroup(readMetadataText(header, (o, l) => read(offset + o, l)));
}
