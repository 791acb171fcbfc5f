import { closeSync, openSync, readSync } from 'node:fs';
import { parsePartitionTable, type PartitionTable } from '../parsers/partition-table.js';
import { probeRange } from './probe.js';
import type { RawDisk } from './attach.js';

// The volumes of a machine: each disk's partitions (tables read in userspace, since not every
// kernel parses tables for loop devices) or the whole disk when it has no table, and then the
// volumes built on those (LVM logical volumes, RAID arrays, opened LUKS volumes: see layers/).
// Every volume is a byte range of a host file (or device): `source` from `offset`, `size` bytes.

export type VolumeLayer = 'disk' | 'partition' | 'lv' | 'md' | 'luks';

export interface Volume {
  /** The name the guest would use: /dev/sda1, /dev/sdb, /dev/rhel/root, /dev/md0... */
  device: string;
  /** Other names the guest may use for it (/dev/mapper/rhel-root, /dev/md/root...). */
  aliases?: string[];
  /** Which disk of the machine it lives on (0 = the first image), for `filesystems`. */
  disk: number;
  layer: VolumeLayer;
  /** The volume it is built on (a PV's partition, a LUKS container), when it is not a disk's own. */
  parent?: string;
  /** The host file or device whose bytes hold the volume. */
  source: string;
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
  /** Why it cannot be mounted at all (an LV that needs device-mapper, an unsupported RAID level...). */
  unusable?: string;
  /** Why it may only be mounted read-only (one half of a RAID1 mirror). */
  readOnlyReason?: string;
  /** Something to tell the user about it in `filesystems` (a snapshot, a LUKS volume left closed...). */
  note?: string;
}

/** /dev/sda, /dev/sdb, ... /dev/sdz, /dev/sdaa (as the kernel names SCSI disks). */
export function diskDevice(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `/dev/sd${name}`;
}

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

/** The partition fields of a volume that is not a partition (a whole disk, an LV, an array, an opened LUKS volume). */
export const NOT_A_PARTITION = { partition: null, partuuid: null, partlabel: null, partType: null } as const;

export async function listVolumes(disk: RawDisk, index = 0): Promise<{ table: PartitionTable; volumes: Volume[] }> {
  const table = readTable(disk.rawPath, disk.size);
  const device = diskDevice(index);
  if (table.type === 'none' || table.partitions.length === 0) {
    const p = await probeRange(disk.rawPath, 0, disk.size);
    const whole: Volume = { device, disk: index, layer: 'disk', source: disk.rawPath, offset: 0, size: disk.size, ...p, ...NOT_A_PARTITION };
    return { table, volumes: [whole] };
  }
  const volumes = await Promise.all(
    table.partitions
      .filter((part) => part.typeName !== 'Extended')
      .map(async (part): Promise<Volume> => {
        const p = await probeRange(disk.rawPath, part.start, part.size);
        return {
          device: `${device}${part.index}`,
          disk: index,
          layer: 'partition',
          source: disk.rawPath,
          partition: part.index,
          offset: part.start,
          size: part.size,
          ...p,
          partuuid: part.uuid,
          partlabel: part.name,
          partType: part.typeName,
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
      return mountable(volumes.filter((v) => v.uuid?.toLowerCase() === lower));
    case 'label':
      return mountable(volumes.filter((v) => v.label === spec.value));
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

/**
 * A RAID1 mirror's members carry the array's filesystem UUID too (1.0 and 0.90 superblocks
 * sit at the end): the assembled array wins over a member.
 */
function mountable(matches: Volume[]): Volume | undefined {
  return matches.find((v) => v.layer !== 'partition' && v.layer !== 'disk') ?? matches[0];
}

/**
 * /dev/sda2, /dev/vdb2, /dev/xvda2, /dev/hda2, /dev/nvme0n1p2, /dev/mmcblk0p2 → partition 2 of
 * that disk (sd/vd/xvd/hd letters and nvme/mmcblk numbers all count disks from 0); other names
 * (LVs, md arrays, /dev/mapper/...) by the volume's own name or aliases.
 */
export function findByDeviceName(volumes: Volume[], device: string): Volume | undefined {
  const exact = volumes.find((v) => v.device === device || v.aliases?.includes(device));
  if (exact) return exact;
  const named = parseDiskName(device);
  if (!named) return undefined;
  return volumes.find((v) => v.disk === named.disk && (v.layer === 'disk' || v.layer === 'partition') && v.partition === named.partition);
}

function parseDiskName(device: string): { disk: number; partition: number | null } | null {
  const letters = /^\/dev\/(?:[shv]|xv)d([a-z]+)(\d*)$/.exec(device);
  if (letters) return { disk: lettersToIndex(letters[1]!), partition: letters[2] ? Number(letters[2]) : null };
  const numbered = /^\/dev\/(?:nvme(\d+)n\d+|mmcblk(\d+))(?:p(\d+))?$/.exec(device);
  if (numbered) return { disk: Number(numbered[1] ?? numbered[2]), partition: numbered[3] ? Number(numbered[3]) : null };
  return null;
}

function lettersToIndex(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 96);
  return n - 1;
}
