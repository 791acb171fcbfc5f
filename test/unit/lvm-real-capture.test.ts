import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lvmCrc } from '../../src/lvm/crc.js';
import { linearMapping } from '../../src/lvm/lv-mapping.js';
import { extractMetadataText, parseMdaHeader } from '../../src/lvm/mda-header.js';
import { parseVolumeGroup } from '../../src/lvm/metadata.js';
import { parsePvLabel } from '../../src/lvm/pv-label.js';

// Metadata captured from real hosts: a Proxmox VE pve VG (lvm2 2.03.31, thin pool) whose source
// also recorded the checksums LVM wrote, so the checksum and the label layout are checked against
// real LVM output; and an Arch host's VG with a cachevol (lvm2 2.03.23).

const MARK = '# ---- end of source note ----\n';
const proxmoxFile = readFileSync(new URL('samples/lvm/proxmox-pve-thin-2.03.31.vg', import.meta.url), 'utf8');
const PROXMOX = proxmoxFile.slice(proxmoxFile.indexOf(MARK) + MARK.length);
const ARCH = readFileSync(new URL('samples/lvm/arch-cachevol-2.03.23.vg', import.meta.url), 'utf8');

/** The pve PV's label sector as the capture describes it (values from the source fixture). */
function proxmoxLabelSector(): Buffer {
  const s = Buffer.alloc(512);
  s.write('LABELONE', 0, 'latin1');
  s.writeBigUInt64LE(1n, 8);
  s.writeUInt32LE(32, 20);
  s.write('LVM2 001', 24, 'latin1');
  const pv = 32;
  s.write('yxhnW60DEToVIxSEGyGtZpsKd0F9ELSf', pv, 'latin1');
  s.writeBigUInt64LE(0x7430b01e00n, pv + 32);
  s.writeBigUInt64LE(0x100000n, pv + 40);
  s.writeBigUInt64LE(0x1000n, pv + 72);
  s.writeBigUInt64LE(0xff000n, pv + 80);
  s.writeUInt32LE(2, pv + 104);
  s.writeUInt32LE(1, pv + 108);
  s.writeUInt32LE(lvmCrc(s.subarray(20)), 16);
  return s;
}

describe('real Proxmox VE metadata (lvm2 2.03.31)', () => {
  it('the lvm checksum matches what LVM wrote for the metadata text and for the label', () => {
    expect(lvmCrc(Buffer.from(`${PROXMOX}\0`))).toBe(0x525921c0);
    expect(proxmoxLabelSector().readUInt32LE(16)).toBe(0x1bac6e40);
  });

  it('reads the PV label', () => {
    const head = Buffer.concat([Buffer.alloc(512), proxmoxLabelSector(), Buffer.alloc(1024)]);
    const label = parsePvLabel(head);
    // The pv_header extension after the metadata list: version 2, PV_EXT_USED.
    expect([label.uuid, label.deviceSize, label.dataAreas, label.metadataAreas]).toEqual([
      'yxhnW6-0DET-oVIx-SEGy-GtZp-sKd0-F9ELSf',
      0x7430b01e00,
      [{ offset: 0x100000, size: 0 }],
      [{ offset: 0x1000, size: 0xff000 }],
    ]);
    expect(label.extension).toEqual({ version: 2, inUse: true });
  });

  it('extracts the text from a metadata area laid out as captured and parses the VG', () => {
    const text = Buffer.from(`${PROXMOX}\0`);
    const area = Buffer.alloc(0xff000);
    area.write(' LVM2 x[5A%r0N*>', 4, 'latin1');
    area.writeUInt32LE(1, 20);
    area.writeBigUInt64LE(0x1000n, 24);
    area.writeBigUInt64LE(0xff000n, 32);
    area.writeBigUInt64LE(512n, 40);
    area.writeBigUInt64LE(BigInt(text.length), 48);
    area.writeUInt32LE(0x525921c0, 56);
    area.writeUInt32LE(lvmCrc(area.subarray(4, 512)), 0);
    text.copy(area, 512);
    const vg = parseVolumeGroup(extractMetadataText(area, parseMdaHeader(area)));
    expect(vg).toMatchObject({ name: 'pve', seqno: 55, extentSize: 8192 });
    expect(vg.pvs).toEqual([
      { key: 'pv0', uuid: 'yxhnW6-0DET-oVIx-SEGy-GtZp-sKd0-F9ELSf', deviceHint: '/dev/nvme0n1p3', devSize: 974673935, peStart: 2048, peCount: 118978 },
    ]);
    expect(vg.lvs.filter((l) => l.visible).map((l) => `${l.name}:${l.segments[0]?.type}`)).toEqual([
      'swap:striped',
      'root:striped',
      'data:thin-pool',
      'vm-100-disk-0:thin',
      'vm-100-disk-1:thin',
      'vm-100-disk-2:thin',
      'vm-101-disk-0:thin',
      'vm-102-disk-0:thin',
      'vm-103-disk-0:thin',
    ]);
    expect(linearMapping(vg, 'root')).toEqual({
      ok: true,
      value: [{ pvUuid: 'yxhnW6-0DET-oVIx-SEGy-GtZp-sKd0-F9ELSf', pvOffsetBytes: 2048 * 512 + 2048 * 4 * 1024 * 1024, lengthBytes: 96 * 1024 ** 3 }],
    });
    expect(linearMapping(vg, 'vm-100-disk-0')).toEqual({ ok: false, unsupported: 'pve/vm-100-disk-0 is a thin LV in pool data, not supported yet' });
    expect(linearMapping(vg, 'data')).toEqual({ ok: false, unsupported: 'pve/data is a thin-pool LV, not supported yet' });
  });
});

describe('real Arch metadata with a cachevol (lvm2 2.03.23)', () => {
  it('names the cached LV as unsupported and keeps its hidden parts mappable', () => {
    const vg = parseVolumeGroup(ARCH);
    expect(vg.name).toBe('vg201-test');
    const lvdata = vg.lvs.find((l) => l.name === 'lvdata');
    expect(lvdata?.segments[0]).toMatchObject({ type: 'cache', typeName: 'cache+CACHE_USES_CACHEVOL', origin: 'lvdata_corig' });
    expect(lvdata?.snapshotOf).toBeUndefined();
    expect(linearMapping(vg, 'lvdata')).toEqual({ ok: false, unsupported: 'vg201-test/lvdata is a cache+CACHE_USES_CACHEVOL LV, not supported yet' });
    expect(linearMapping(vg, 'lvdata_corig')).toMatchObject({ ok: true, value: [{ pvOffsetBytes: 1024 * 1024, lengthBytes: 17039359 * 4 * 1024 * 1024 }] });
    expect(vg.lvs.find((l) => l.name === 'lvdata_cache_cvol')).toMatchObject({ visible: false, flags: ['CACHE_VOL'] });
  });
});
