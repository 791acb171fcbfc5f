// The LVM2 physical-volume label: a "LABELONE" header in one of the first four 512-byte sectors,
// followed (at its offset_xl) by the pv_header: the PV UUID, the device size, and two lists of
// disk_locn {offset, size} (data areas, then metadata areas), each ended by an all-zero entry.

import { ascii, u32, u64 } from './bytes.js';
import { lvmCrc } from './crc.js';

export const SECTOR = 512;
const LABEL_SCAN_SECTORS = 4;
const LABEL_ID = 'LABELONE';
const LABEL_TYPE = 'LVM2 001';
/** lvm2 writes one data area and at most two metadata areas; anything near this is hostile. */
const MAX_AREAS = 16;
const PV_UUID_LEN = 32;

export interface DiskArea {
  offset: number;
  size: number;
}

export interface PvLabel {
  /** The sector (0-3) the label was found in. */
  sector: number;
  /** PV UUID as lvm prints it: 6-4-4-4-4-4-6 characters. */
  uuid: string;
  deviceSize: number;
  dataAreas: DiskArea[];
  metadataAreas: DiskArea[];
  /** The pv_header extension (lvm2 2.02.110 and later): its version and whether the PV belongs to a VG. */
  extension?: { version: number; inUse: boolean };
}

const PV_EXT_USED = 1;

export function formatLvmUuid(raw: string): string {
  if (raw.length !== PV_UUID_LEN) throw new Error(`LVM UUID has ${raw.length} characters, expected ${PV_UUID_LEN}`);
  const parts = [6, 4, 4, 4, 4, 4, 6];
  let at = 0;
  return parts.map((n) => raw.slice(at, (at += n))).join('-');
}

/** Where the label starts, or -1 when none of the first four sectors carries one. */
export function findLabelSector(buf: Buffer): number {
  for (let s = 0; s < LABEL_SCAN_SECTORS && (s + 1) * SECTOR <= buf.length; s++) {
    if (buf.toString('latin1', s * SECTOR, s * SECTOR + 8) === LABEL_ID) return s;
  }
  return -1;
}

function readAreaList(sector: Buffer, start: number, what: string): { areas: DiskArea[]; next: number } {
  const areas: DiskArea[] = [];
  let at = start;
  for (;;) {
    const offset = u64(sector, at, what);
    const size = u64(sector, at + 8, what);
    at += 16;
    if (offset === 0) return { areas, next: at };
    if (areas.length === MAX_AREAS) throw new Error(`${what}: more than ${MAX_AREAS} entries (no terminating zero entry)`);
    areas.push({ offset, size });
  }
}

/** Parse the PV label from the first sectors of a device (at least the sector holding the label). */
export function parsePvLabel(head: Buffer): PvLabel {
  const s = findLabelSector(head);
  if (s < 0) throw new Error('PV label: no LABELONE header in the first 4 sectors');
  const sector = head.subarray(s * SECTOR, (s + 1) * SECTOR);
  const recorded = u64(sector, 8, 'PV label');
  if (recorded !== s) throw new Error(`PV label: found in sector ${s} but it says sector ${recorded}`);
  const crc = u32(sector, 16, 'PV label');
  const actual = lvmCrc(sector.subarray(20));
  if (crc !== actual) throw new Error(`PV label: checksum mismatch (stored ${hex(crc)}, computed ${hex(actual)})`);
  const pvOffset = u32(sector, 20, 'PV label');
  const type = ascii(sector, 24, 8, 'PV label');
  if (type !== LABEL_TYPE) throw new Error(`PV label: type ${JSON.stringify(type)} is not ${JSON.stringify(LABEL_TYPE)}`);
  if (pvOffset < 32 || pvOffset + PV_UUID_LEN + 8 > SECTOR) throw new Error(`PV header: offset ${pvOffset} is outside the label sector`);
  const rawUuid = ascii(sector, pvOffset, PV_UUID_LEN, 'PV header');
  if (!/^[A-Za-z0-9!#]{32}$/.test(rawUuid)) throw new Error('PV header: the UUID holds characters lvm never writes');
  const deviceSize = u64(sector, pvOffset + PV_UUID_LEN, 'PV header');
  const data = readAreaList(sector, pvOffset + PV_UUID_LEN + 8, 'PV header data areas');
  const meta = readAreaList(sector, data.next, 'PV header metadata areas');
  const label: PvLabel = { sector: s, uuid: formatLvmUuid(rawUuid), deviceSize, dataAreas: data.areas, metadataAreas: meta.areas };
  // Older lvm2 leaves these bytes zero: version 0 means no extension.
  if (meta.next + 8 <= SECTOR) {
    const version = u32(sector, meta.next, 'PV header extension');
    if (version !== 0) label.extension = { version, inUse: (u32(sector, meta.next + 4, 'PV header extension') & PV_EXT_USED) !== 0 };
  }
  return label;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
