import { describe, expect, it } from 'vitest';
import { lvmCrc } from '../../src/lvm/crc.js';
import { formatLvmUuid, parsePvLabel } from '../../src/lvm/pv-label.js';

// PV labels built from the documented layout (lvm2 lib/format_text/layout.h, label.h): a
// 32-byte label_header (id, sector_xl, crc_xl, offset_xl, type), then at offset_xl the
// pv_header: 32-char UUID, u64 device size, data-area disk_locns, 0-entry, metadata-area
// disk_locns, 0-entry; the crc covers the sector from byte 20 on.

const UUID = 'JIrYxoFzX55oMaqwO7SPnQnoZ2K4WEY5';

interface LabelSpec {
  sector?: number;
  recordedSector?: number;
  pvOffset?: number;
  type?: string;
  uuid?: string;
  deviceSize?: bigint;
  data?: [bigint, bigint][];
  meta?: [bigint, bigint][];
  /** Write the zero terminators (default true). */
  terminate?: boolean;
  fill?: number;
  badCrc?: boolean;
}

function label(spec: LabelSpec = {}): Buffer {
  const sector = spec.sector ?? 1;
  const buf = Buffer.alloc(2048);
  const s = buf.subarray(sector * 512, sector * 512 + 512);
  if (spec.fill !== undefined) s.fill(spec.fill);
  s.write('LABELONE', 0, 'latin1');
  s.writeBigUInt64LE(BigInt(spec.recordedSector ?? sector), 8);
  const pvOffset = spec.pvOffset ?? 32;
  s.writeUInt32LE(pvOffset, 20);
  s.write(spec.type ?? 'LVM2 001', 24, 'latin1');
  if (pvOffset >= 32 && pvOffset + 40 <= 512) {
    s.write(spec.uuid ?? UUID, pvOffset, 'latin1');
    s.writeBigUInt64LE(spec.deviceSize ?? 10737418240n, pvOffset + 32);
    let at = pvOffset + 40;
    const put = (list: [bigint, bigint][]): void => {
      for (const [o, z] of list) {
        if (at + 16 > 512) return;
        s.writeBigUInt64LE(o, at);
        s.writeBigUInt64LE(z, at + 8);
        at += 16;
      }
      if ((spec.terminate ?? true) && at + 16 <= 512) {
        s.fill(0, at, at + 16);
        at += 16;
      }
    };
    put(spec.data ?? [[1048576n, 0n]]);
    put(spec.meta ?? [[4096n, 1044480n]]);
  }
  s.writeUInt32LE((lvmCrc(s.subarray(20)) ^ (spec.badCrc ? 1 : 0)) >>> 0, 16);
  return buf;
}

describe('lvm crc', () => {
  it('is the reflected CRC-32 (check value of "123456789" with the standard seed and final xor)', () => {
    expect((lvmCrc(Buffer.from('123456789'), 0xffffffff) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });
});

describe('parsePvLabel', () => {
  it('reads the label lvm writes in sector 1 (pvcreate default)', () => {
    expect(parsePvLabel(label())).toEqual({
      sector: 1,
      uuid: 'JIrYxo-FzX5-5oMa-qwO7-SPnQ-noZ2-K4WEY5',
      deviceSize: 10737418240,
      dataAreas: [{ offset: 1048576, size: 0 }],
      metadataAreas: [{ offset: 4096, size: 1044480 }],
    });
  });

  it('finds a label in sector 0 and 3, and a PV with two metadata areas or none', () => {
    expect(parsePvLabel(label({ sector: 0 })).sector).toBe(0);
    expect(parsePvLabel(label({ sector: 3 })).sector).toBe(3);
    const two = parsePvLabel(label({ meta: [[4096n, 1044480n], [10736369664n, 1048576n]] }));
    expect(two.metadataAreas).toHaveLength(2);
    expect(parsePvLabel(label({ meta: [] })).metadataAreas).toEqual([]);
  });

  it('formats UUIDs 6-4-4-4-4-4-6 as lvm prints them', () => {
    expect(formatLvmUuid('aib9B7521v1wcNxjHIPu2KLAvIzJfMYA')).toBe('aib9B7-521v-1wcN-xjHI-Pu2K-LAvI-zJfMYA');
    expect(() => formatLvmUuid('short')).toThrow(/expected 32/);
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['no label at all', () => Buffer.alloc(2048), /no LABELONE/],
    ['an empty buffer', () => Buffer.alloc(0), /no LABELONE/],
    ['a truncated sector', () => label({ sector: 0 }).subarray(0, 300), /no LABELONE/],
    ['a wrong checksum', () => label({ badCrc: true }), /checksum mismatch/],
    ['a label that claims another sector', () => label({ recordedSector: 2 }), /says sector 2/],
    ['an LVM1 or unknown type', () => label({ type: 'LVM1 001' }), /type "LVM1 001"/],
    ['a pv_header offset past the sector', () => label({ pvOffset: 0xfffffff0 }), /outside the label sector/],
    ['a pv_header offset inside the label header', () => label({ pvOffset: 4 }), /outside the label sector/],
    ['a UUID with bytes lvm never writes', () => label({ uuid: 'JIrYxoFzX55oMaqwO7SPnQnoZ2K4WE\u00ff\u0000' }), /UUID/],
    ['a device size beyond 2^53', () => label({ deviceSize: 0xffffffffffffffffn }), /too large/],
    ['an area list with no terminator', () => label({ terminate: false, data: Array.from({ length: 30 }, (): [bigint, bigint] => [1n, 1n]) }), /no terminating zero entry/],
    [
      'an area list that runs off the sector',
      () => label({ pvOffset: 440, terminate: false, fill: 0x41, data: [[1n, 1n], [2n, 2n]] }),
      /past the end/,
    ],
  ])('refuses %s with a one-line error', (_name, make, message) => {
    expect(() => parsePvLabel(make())).toThrow(message);
  });
});
