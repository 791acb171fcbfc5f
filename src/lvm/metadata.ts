// The typed model of one volume group's LVM2 text metadata: the VG, its PVs, and its LVs with
// their segments. Sizes stay in lvm's units (512-byte sectors, extents) as in the text.

import { type MetaSection, type MetaValue, parseMetadataText } from './metadata-text.js';

export type SegmentType = 'striped' | 'thin-pool' | 'thin' | 'snapshot' | 'mirror' | 'cache' | 'cache-pool' | 'raid' | 'vdo' | 'other';

export interface PhysicalVolume {
  /** The key in physical_volumes ("pv0"), which stripes refer to. */
  key: string;
  uuid: string;
  /** The device lvm last saw it on: a hint only. */
  deviceHint?: string;
  devSize?: number;
  /** Sector where extent 0 starts. */
  peStart: number;
  peCount: number;
}

export interface StripeArea {
  /** A PV key ("pv0"). */
  on: string;
  startExtent: number;
}

export interface Segment {
  startExtent: number;
  extentCount: number;
  /** The type exactly as written ("striped", "raid1", "thin-pool"...). */
  typeName: string;
  type: SegmentType;
  stripeCount?: number;
  /** In sectors. */
  stripeSize?: number;
  stripes: StripeArea[];
  /** snapshot: the origin LV and the LV holding the changes. */
  origin?: string;
  cowStore?: string;
  /** thin: its pool. */
  thinPool?: string;
}

export interface LogicalVolume {
  name: string;
  uuid: string;
  status: string[];
  flags: string[];
  visible: boolean;
  segments: Segment[];
  /** Set on an old-style snapshot's COW LV: the LV it is a snapshot of. */
  snapshotOf?: string;
}

export interface VolumeGroup {
  name: string;
  uuid: string;
  seqno: number;
  status: string[];
  /** In 512-byte sectors. */
  extentSize: number;
  pvs: PhysicalVolume[];
  lvs: LogicalVolume[];
}

/** The kind of a segment type; lvm appends flags after '+' ("cache+CACHE_USES_CACHEVOL"). */
function segmentType(typeName: string): SegmentType {
  const name = typeName.split('+')[0]!;
  if (name.startsWith('raid')) return 'raid';
  const known: SegmentType[] = ['striped', 'thin-pool', 'thin', 'snapshot', 'mirror', 'cache', 'cache-pool', 'vdo'];
  return known.find((k) => k === name) ?? 'other';
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`LVM metadata: ${what} is missing`);
  return v;
}

function str(s: MetaSection, key: string, where: string): string | undefined {
  const v = s.values.get(key);
  if (v !== undefined && typeof v !== 'string') throw new Error(`LVM metadata: ${where} ${key} is not a string`);
  return v;
}

function num(s: MetaSection, key: string, where: string): number | undefined {
  const v = s.values.get(key);
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new Error(`LVM metadata: ${where} ${key} is not a non-negative integer`);
  return v;
}

function strList(s: MetaSection, key: string, where: string): string[] {
  const v = s.values.get(key);
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw new Error(`LVM metadata: ${where} ${key} is not a list of strings`);
  return v;
}

function stripes(list: MetaValue | undefined, where: string): StripeArea[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.length % 2 !== 0) throw new Error(`LVM metadata: ${where} stripes is not a list of name, extent pairs`);
  const out: StripeArea[] = [];
  for (let i = 0; i < list.length; i += 2) {
    const on = list[i];
    const start = list[i + 1];
    if (typeof on !== 'string' || typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw new Error(`LVM metadata: ${where} stripes entry ${i / 2} is not a name and an extent`);
    out.push({ on, startExtent: start });
  }
  return out;
}

function parseSegment(s: MetaSection, where: string): Segment {
  const typeName = need(str(s, 'type', where), `${where} type`);
  const type = segmentType(typeName);
  const seg: Segment = {
    startExtent: need(num(s, 'start_extent', where), `${where} start_extent`),
    extentCount: need(num(s, 'extent_count', where), `${where} extent_count`),
    typeName,
    type,
    stripes: stripes(s.values.get('stripes'), where),
  };
  const stripeCount = num(s, 'stripe_count', where);
  if (stripeCount !== undefined) seg.stripeCount = stripeCount;
  const stripeSize = num(s, 'stripe_size', where);
  if (stripeSize !== undefined) seg.stripeSize = stripeSize;
  const origin = str(s, 'origin', where);
  if (origin !== undefined) seg.origin = origin;
  const cow = str(s, 'cow_store', where);
  if (cow !== undefined) seg.cowStore = cow;
  const pool = str(s, 'thin_pool', where);
  if (pool !== undefined) seg.thinPool = pool;
  return seg;
}

function parseLv(name: string, s: MetaSection): LogicalVolume {
  const where = `LV ${name}`;
  const status = strList(s, 'status', where);
  const segs = [...s.sections.entries()].filter(([k]) => /^segment[0-9]+$/.test(k));
  const declared = num(s, 'segment_count', where);
  if (declared !== undefined && declared !== segs.length) throw new Error(`LVM metadata: ${where} says ${declared} segments but has ${segs.length}`);
  const segments = segs.map(([k, v]) => parseSegment(v, `${where} ${k}`)).sort((a, b) => a.startExtent - b.startExtent);
  return {
    name,
    uuid: need(str(s, 'id', where), `${where} id`),
    status,
    flags: strList(s, 'flags', where),
    visible: status.includes('VISIBLE'),
    segments,
  };
}

function parsePv(key: string, s: MetaSection): PhysicalVolume {
  const where = `PV ${key}`;
  const pv: PhysicalVolume = {
    key,
    uuid: need(str(s, 'id', where), `${where} id`),
    peStart: need(num(s, 'pe_start', where), `${where} pe_start`),
    peCount: need(num(s, 'pe_count', where), `${where} pe_count`),
  };
  const device = str(s, 'device', where);
  if (device !== undefined) pv.deviceHint = device;
  const devSize = num(s, 'dev_size', where);
  if (devSize !== undefined) pv.devSize = devSize;
  return pv;
}

/** The VG in a metadata text (an area's text or an /etc/lvm/backup file). */
export function parseVolumeGroup(text: string): VolumeGroup {
  const top = parseMetadataText(text);
  const vgs = [...top.sections.entries()];
  if (vgs.length !== 1) throw new Error(`LVM metadata: expected one volume group section, found ${vgs.length}`);
  const [name, s] = vgs[0]!;
  const where = `VG ${name}`;
  const extentSize = need(num(s, 'extent_size', where), `${where} extent_size`);
  if (extentSize === 0) throw new Error(`LVM metadata: ${where} extent_size is 0`);
  const pvs = [...(s.sections.get('physical_volumes')?.sections.entries() ?? [])].map(([k, v]) => parsePv(k, v));
  const lvs = [...(s.sections.get('logical_volumes')?.sections.entries() ?? [])].map(([k, v]) => parseLv(k, v));
  for (const lv of lvs) {
    for (const seg of lv.segments) {
      if (seg.type !== 'snapshot' || !seg.cowStore) continue;
      const cow = lvs.find((l) => l.name === seg.cowStore);
      if (cow && seg.origin) cow.snapshotOf = seg.origin;
    }
  }
  return {
    name,
    uuid: need(str(s, 'id', where), `${where} id`),
    seqno: need(num(s, 'seqno', where), `${where} seqno`),
    status: strList(s, 'status', where),
    extentSize,
    pvs,
    lvs,
  };
}
