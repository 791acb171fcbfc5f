import { SECTOR } from '../../lvm/pv-label.js';
import type { LogicalVolume, VolumeGroup } from '../../lvm/metadata.js';
import type { Volume } from '../volumes.js';

// What makes an LV unusable before any of its bytes are touched: kinds of LV not supported yet,
// snapshots, PVs that are missing, and hostile metadata (extents past the end of a PV's volume,
// sizes that overflow, two LVs claiming the same extents).

/** LVM's own rule for VG and LV names: [a-zA-Z0-9+_.-], not starting with '-', not "." or "..". */
export function validLvmName(name: string): boolean {
  return /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/.test(name) && name !== '.' && name !== '..';
}

const KIND: Record<string, string> = {
  'thin-pool': 'thin pool',
  thin: 'thin',
  mirror: 'mirror',
  raid: 'raid',
  cache: 'cache',
  'cache-pool': 'cache pool',
  vdo: 'vdo',
};

/** LV name -> why it cannot be opened, for the VG's visible LVs that cannot. */
export function lvProblems(vg: VolumeGroup, members: Map<string, Volume>): Map<string, string> {
  const out = new Map<string, string>();
  const badPvs = new Map<string, string>();
  for (const pv of vg.pvs) {
    const vol = members.get(pv.uuid);
    if (!vol) {
      badPvs.set(pv.key, `PV ${pv.uuid} (${pv.key} of VG ${vg.name}) is missing`);
      continue;
    }
    const end = pv.peStart * SECTOR + pv.peCount * vg.extentSize * SECTOR;
    if (!Number.isSafeInteger(end) || end > vol.size)
      badPvs.set(pv.key, `PV ${pv.key} (${vol.device}) claims ${pv.peCount} extents from sector ${pv.peStart}, past the end of its ${vol.size}-byte volume`);
  }
  for (const lv of vg.lvs) {
    const why = lvProblem(vg, lv, badPvs);
    if (why) out.set(lv.name, why);
  }
  for (const [name, why] of overlaps(vg)) if (!out.has(name)) out.set(name, why);
  return out;
}

function lvProblem(vg: VolumeGroup, lv: LogicalVolume, badPvs: Map<string, string>): string | undefined {
  const id = `${vg.name}/${lv.name}`;
  if (lv.snapshotOf) return `snapshot of ${vg.name}/${lv.snapshotOf}: listed, not mounted`;
  const odd = lv.segments.find((s) => s.type !== 'striped');
  if (odd) return `LV ${id} is a ${KIND[odd.type] ?? odd.typeName} LV (${odd.typeName}): not supported yet`;
  if (lv.segments.length === 0) return `LV ${id} has no segments`;
  const extents = lv.segments.reduce((n, s) => n + s.extentCount, 0);
  if (!Number.isSafeInteger(extents * vg.extentSize * SECTOR)) return `LV ${id}: its ${extents} extents overflow any real size (damaged metadata)`;
  for (const seg of lv.segments) {
    for (const area of seg.stripes) {
      if (!vg.pvs.some((p) => p.key === area.on)) return `LV ${id} lies on ${area.on}, which is not a PV of VG ${vg.name} (damaged metadata)`;
      const bad = badPvs.get(area.on);
      if (bad) return `${bad}: LV ${id} is on it`;
    }
  }
  return undefined;
}

/** LVs whose extents overlap another LV's on the same PV (both are refused). */
function overlaps(vg: VolumeGroup): Map<string, string> {
  const ranges: { pv: string; start: number; end: number; lv: string }[] = [];
  for (const lv of vg.lvs) {
    for (const seg of lv.segments) {
      if (seg.stripes.length === 0) continue;
      const per = Math.ceil(seg.extentCount / seg.stripes.length);
      for (const a of seg.stripes) ranges.push({ pv: a.on, start: a.startExtent, end: a.startExtent + per, lv: lv.name });
    }
  }
  ranges.sort((a, b) => (a.pv === b.pv ? a.start - b.start : a.pv < b.pv ? -1 : 1));
  const out = new Map<string, string>();
  let reach: (typeof ranges)[number] | undefined;
  for (const r of ranges) {
    if (reach && reach.pv === r.pv && r.start < reach.end) {
      const why = `LV ${vg.name}/${r.lv} and LV ${vg.name}/${reach.lv} claim the same extents of ${r.pv} (damaged metadata)`;
      out.set(r.lv, why);
      out.set(reach.lv, why);
    }
    if (!reach || reach.pv !== r.pv || r.end > reach.end) reach = r;
  }
  return out;
}
