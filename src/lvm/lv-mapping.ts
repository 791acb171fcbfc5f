// Where an LV's bytes are: a list of PV byte ranges for a linear LV (enough to attach it by loop
// offset), or a device-mapper table (linear and striped targets) for dmsetup. Anything else is
// reported as unsupported with the reason, never guessed.

import { SECTOR } from './pv-label.js';
import type { LogicalVolume, PhysicalVolume, Segment, VolumeGroup } from './metadata.js';

export interface LinearExtent {
  pvUuid: string;
  pvOffsetBytes: number;
  lengthBytes: number;
}

export type Mapping<T> = { ok: true; value: T } | { ok: false; unsupported: string };

function unsupported<T>(why: string): Mapping<T> {
  return { ok: false, unsupported: why };
}

function findLv(vg: VolumeGroup, lvName: string): LogicalVolume {
  const lv = vg.lvs.find((l) => l.name === lvName);
  if (!lv) throw new Error(`LV ${lvName} is not in VG ${vg.name}`);
  return lv;
}

/** Why an LV cannot be mapped from PV ranges alone, or undefined when it can. */
function notPlain(vg: VolumeGroup, lv: LogicalVolume): string | undefined {
  const id = `${vg.name}/${lv.name}`;
  if (lv.snapshotOf) return `${id} is a snapshot of ${lv.snapshotOf}`;
  if (lv.segments.length === 0) return `${id} has no segments`;
  const odd = lv.segments.find((s) => s.type !== 'striped');
  if (odd) return `${id} is a ${odd.typeName} LV${odd.thinPool ? ` in pool ${odd.thinPool}` : ''}, not supported yet`;
  let next = 0;
  for (const seg of lv.segments) {
    if (seg.startExtent !== next) return `${id} has a gap or overlap at extent ${next}`;
    next += seg.extentCount;
  }
  return undefined;
}

function pvOf(vg: VolumeGroup, key: string, lv: LogicalVolume): PhysicalVolume {
  const pv = vg.pvs.find((p) => p.key === key);
  if (!pv) throw new Error(`LV ${vg.name}/${lv.name}: stripe on ${key}, which is not a PV of the VG`);
  return pv;
}

/** Sector on the PV where a stripe area starts; checked against the PV's extent count. */
function areaStart(vg: VolumeGroup, lv: LogicalVolume, seg: Segment, pv: PhysicalVolume, startExtent: number): number {
  const perStripe = seg.extentCount / seg.stripes.length;
  if (!Number.isInteger(perStripe)) throw new Error(`LV ${vg.name}/${lv.name}: ${seg.extentCount} extents do not divide into ${seg.stripes.length} stripes`);
  if (startExtent + perStripe > pv.peCount) throw new Error(`LV ${vg.name}/${lv.name}: extents ${startExtent}+${perStripe} run past the ${pv.peCount} extents of ${pv.key}`);
  return pv.peStart + startExtent * vg.extentSize;
}

export function linearMapping(vg: VolumeGroup, lvName: string): Mapping<LinearExtent[]> {
  const lv = findLv(vg, lvName);
  const why = notPlain(vg, lv);
  if (why) return unsupported(why);
  const out: LinearExtent[] = [];
  for (const seg of lv.segments) {
    if (seg.stripes.length !== 1) return unsupported(`${vg.name}/${lv.name} is striped over ${seg.stripes.length} PVs (needs device-mapper)`);
    const area = seg.stripes[0]!;
    const pv = pvOf(vg, area.on, lv);
    out.push({
      pvUuid: pv.uuid,
      pvOffsetBytes: areaStart(vg, lv, seg, pv, area.startExtent) * SECTOR,
      lengthBytes: seg.extentCount * vg.extentSize * SECTOR,
    });
  }
  return { ok: true, value: out };
}

/** A dmsetup table for the LV; `device` names the host device of a PV (by its UUID). */
/**
 * The dm table of an LV (512-byte sectors). `device` names the block device for a PV; with
 * `fromDataArea` that device starts at the PV's data area (pe_start) rather than at the PV label.
 */
export function dmTable(vg: VolumeGroup, lvName: string, device: (pvUuid: string) => string, fromDataArea = false): Mapping<string> {
  const lv = findLv(vg, lvName);
  const why = notPlain(vg, lv);
  if (why) return unsupported(why);
  const lines: string[] = [];
  for (const seg of lv.segments) {
    const start = seg.startExtent * vg.extentSize;
    const length = seg.extentCount * vg.extentSize;
    const areas = seg.stripes.map((a) => {
      const pv = pvOf(vg, a.on, lv);
      return `${device(pv.uuid)} ${areaStart(vg, lv, seg, pv, a.startExtent) - (fromDataArea ? pv.peStart : 0)}`;
    });
    if (areas.length === 0) return unsupported(`${vg.name}/${lv.name} has a segment with no stripes`);
    if (areas.length === 1) lines.push(`${start} ${length} linear ${areas[0]}`);
    else {
      if (!seg.stripeSize) return unsupported(`${vg.name}/${lv.name} is striped without a stripe_size`);
      lines.push(`${start} ${length} striped ${areas.length} ${seg.stripeSize} ${areas.join(' ')}`);
    }
  }
  return { ok: true, value: lines.join('\n') + '\n' };
}
