import type { DriveLetter } from '../guest/types.js';
import type { RegValue } from './reg-text.js';

// Drive letters from SYSTEM\MountedDevices. Each "\DosDevices\X:" value names a partition:
//   MBR disk: 12 bytes, the disk signature (4 bytes, as in the MBR at 0x1B8) + the partition's
//             byte offset (8 bytes, little endian);
//   GPT disk: "DMIO:ID:" + the partition's GUID (16 bytes, the usual mixed-endian layout).
// Anything else (e.g. a volume GUID path of a removable disk) has no partition we can name.

export type WindowsDrive = DriveLetter;

/** What mapDrives needs of a partition (src/image's Volume has it). */
export interface PartitionRef {
  device: string;
  offset: number;
  partuuid: string | null;
}

const DOS_DEVICE = /^\\DosDevices\\([A-Za-z]):$/;
const GPT_PREFIX = Buffer.from('DMIO:ID:', 'latin1');

export function parseMountedDevices(values: readonly RegValue[]): WindowsDrive[] {
  const drives: WindowsDrive[] = [];
  for (const v of values) {
    const m = DOS_DEVICE.exec(v.name);
    if (!m || v.type !== 'binary') continue;
    const letter = `${m[1]!.toUpperCase()}:`;
    if (v.bytes.length === 12) {
      const offset = Number(v.bytes.readBigUInt64LE(4));
      drives.push({ letter, device: null, mbrSignature: v.bytes.readUInt32LE(0).toString(16).padStart(8, '0'), offset });
    } else if (v.bytes.length === 24 && v.bytes.subarray(0, 8).equals(GPT_PREFIX)) {
      drives.push({ letter, device: null, partitionGuid: guidOf(v.bytes.subarray(8)) });
    }
  }
  return drives.sort((a, b) => a.letter.localeCompare(b.letter));
}

function guidOf(b: Buffer): string {
  const hex = (buf: Buffer) => buf.toString('hex');
  const le = (start: number, len: number) => hex(Buffer.from(b.subarray(start, start + len)).reverse());
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex(b.subarray(8, 10))}-${hex(b.subarray(10, 16))}`;
}

/** The drives with `device` filled in from the image's partitions. */
export function mapDrives(drives: readonly WindowsDrive[], partitions: readonly PartitionRef[]): WindowsDrive[] {
  return drives.map((d) => ({ ...d, device: partitions.find((p) => matches(d, p))?.device ?? null }));
}

function matches(d: WindowsDrive, p: PartitionRef): boolean {
  const partuuid = p.partuuid?.toLowerCase() ?? null;
  if (d.partitionGuid !== undefined) return partuuid === d.partitionGuid;
  // blkid's PARTUUID of an MBR partition is "<disk signature>-<partition number>".
  return d.offset === p.offset && partuuid !== null && partuuid.split('-')[0] === d.mbrSignature;
}
