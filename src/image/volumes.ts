import { closeSync, openSync, readSync } from 'node:fs';
import { parsePartitionTable, type PartitionTable } from '../parsers/partition-table.js';
import { probeRange } from './probe.js';
import type { RawDisk } from './attach.js';

// The volumes of a disk: each partition (table read in userspace, since not every
// kernel parses tables for loop devices) or the whole disk when it has no table.

export interface Volume {
  /** The name the guest would use: /dev/sda1, or /dev/sda for a whole-disk filesystem. */
  device: string;
  partition: number | null;
  offset: number;
  size: number;
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  partuuid: string | null;
  partlabel: string | null;
  partType: string | null;
  usage: string | null;
}

export const GUEST_DISK = '/dev/sda';

export function readTable(rawPath: string, size: number): PartitionTable {
  const fd = openSync(rawPath, 'r');
  try {
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, offset);
      return n === length ? buf : buf.subarray(0, n);
    };
    return parsePartitionTable(read, size);
  } finally {
    closeSync(fd);
  }
}

export async function listVolumes(disk: RawDisk): Promise<{ table: PartitionTable; volumes: Volume[] }> {
  const table = readTable(disk.rawPath, disk.size);
  if (table.type === 'none' || table.partitions.length === 0) {
    const p = await probeRange(disk.rawPath, 0, disk.size);
    const whole: Volume = {
      device: GUEST_DISK,
      partition: null,
      offset: 0,
      size: disk.size,
      fstype: p.fstype,
      uuid: p.uuid,
      label: p.label,
      partuuid: null,
      partlabel: null,
      partType: null,
      usage: p.usage,
    };
    return { table, volumes: [whole] };
  }
  const volumes = await Promise.all(
    table.partitions
      .filter((part) => part.typeName !== 'Extended')
      .map(async (part): Promise<Volume> => {
        const p = await probeRange(disk.rawPath, part.start, part.size);
        return {
          device: `${GUEST_DISK}${part.index}`,
          partition: part.index,
          offset: part.start,
          size: part.size,
          fstype: p.fstype,
          uuid: p.uuid,
          label: p.label,
          partuuid: part.uuid,
          partlabel: part.name,
          partType: part.typeName,
          usage: p.usage,
        };
      }),
  );
  return { table, volumes };
}

/** Find the volume an fstab spec or a device name refers to. */
export function findVolume(volumes: Volume[], spec: { kind: string; value: string }): Volume | undefined {
  const lower = spec.value.toLowerCase();
  switch (spec.kind) {
    case 'uuid':
      return volumes.find((v) => v.uuid?.toLowerCase() === lower);
    case 'label':
      return volumes.find((v) => v.label === spec.value);
    case 'partuuid':
      return volumes.find((v) => v.partuuid?.toLowerCase() === lower);
    case 'partlabel':
      return volumes.find((v) => v.partlabel === spec.value);
    case 'device':
      return findByDeviceName(volumes, spec.value);
    default:
      return undefined;
  }
}

/** /dev/sda2, /dev/vda2, /dev/xvda2, /dev/hda2, /dev/nvme0n1p2, /dev/mmcblk0p2 → partition 2 of our one disk. */
export function findByDeviceName(volumes: Volume[], device: string): Volume | undefined {
  const exact = volumes.find((v) => v.device === device);
  if (exact) return exact;
  const m = /^\/dev\/(?:(?:[shv]|xv)d[a-z](\d*)|(?:nvme\d+n\d+|mmcblk\d+)(?:p(\d+))?)$/.exec(device);
  if (!m) return undefined;
  const index = m[1] || m[2];
  if (!index) return volumes.find((v) => v.partition === null);
  return volumes.find((v) => v.partition === Number(index));
}
