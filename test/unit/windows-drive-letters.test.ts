import { describe, expect, it } from 'vitest';
import { mapDrives, parseMountedDevices } from '../../src/windows/drive-letters.js';
import { parseKeyValues } from '../../src/windows/reg-text.js';

// SYSTEM\MountedDevices as hivexget prints it: an MBR C: (signature 5ca1ab1e, 1 MiB), a GPT D:,
// and entries that are no drive letter (volume GUID paths) or no partition (a CD-ROM's name).
const MOUNTED_DEVICES = parseKeyValues(`"\\\\DosDevices\\\\C:"=hex(3):1e,ab,a1,5c,00,00,10,00,00,00,00,00
"\\\\DosDevices\\\\D:"=hex(3):44,4d,49,4f,3a,49,44,3a,78,56,34,12,34,12,78,56,9a,bc,de,f0,12,34,56,78
"\\\\DosDevices\\\\e:"=hex(3):1e,ab,a1,5c,00,00,00,40,00,00,00,00
"\\\\DosDevices\\\\F:"=hex(3):5c,00,3f,00,3f,00,5c,00,49,00,44,00,45,00
"\\\\??\\\\Volume{0a1b2c3d-0000-0000-0000-100000000000}"=hex(3):1e,ab,a1,5c,00,00,10,00,00,00,00,00
`);

describe('drive letters from MountedDevices', () => {
  it('reads MBR (signature + offset) and GPT (DMIO:ID: + GUID) entries, nothing else', () => {
    expect(parseMountedDevices(MOUNTED_DEVICES)).toEqual([
      { letter: 'C:', device: null, mbrSignature: '5ca1ab1e', offset: 1048576 },
      { letter: 'D:', device: null, partitionGuid: '12345678-1234-5678-9abc-def012345678' },
      { letter: 'E:', device: null, mbrSignature: '5ca1ab1e', offset: 1073741824 },
    ]);
  });

  it('maps each to the partition with that disk signature and offset, or that GPT GUID', () => {
    const drives = parseMountedDevices(MOUNTED_DEVICES);
    const mbr = [
      { device: '/dev/sda1', offset: 1048576, partuuid: '5ca1ab1e-01' },
      { device: '/dev/sda2', offset: 1073741824, partuuid: '5ca1ab1e-02' },
    ];
    expect(mapDrives(drives, mbr).map((d) => [d.letter, d.device])).toEqual([
      ['C:', '/dev/sda1'],
      ['D:', null],
      ['E:', '/dev/sda2'],
    ]);
    // Another disk's signature at the same offset is not C:.
    expect(mapDrives(drives, [{ device: '/dev/sda1', offset: 1048576, partuuid: 'deadbeef-01' }])[0]!.device).toBeNull();
    const gpt = [{ device: '/dev/sda3', offset: 999, partuuid: '12345678-1234-5678-9ABC-DEF012345678' }];
    expect(mapDrives(drives, gpt)[1]!.device).toBe('/dev/sda3');
  });
});
