// The checksum LVM2 puts in its label and metadata-area headers: the reflected CRC-32 (the GPT
// one's table), seeded with lvm's own initial value and without the final inversion.

import { CRC_TABLE } from '../parsers/partition-table.js';

export const LVM_INITIAL_CRC = 0xf597a6cf;

export function lvmCrc(bytes: Uint8Array, initial = LVM_INITIAL_CRC): number {
  let crc = initial >>> 0;
  for (const b of bytes) crc = (CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return crc;
}
