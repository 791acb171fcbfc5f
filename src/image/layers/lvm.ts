import { randomBytes } from 'node:crypto';
import { attachLoop } from '../attach.js';
import { NOTHING_FOUND, probeRange } from '../probe.js';
import { dmTable, linearMapping } from '../../lvm/lv-mapping.js';
import { SECTOR } from '../../lvm/pv-label.js';
import type { LogicalVolume, VolumeGroup } from '../../lvm/metadata.js';
import { NOT_A_PARTITION, type Volume } from '../volumes.js';
import type { Layer, LayerContext } from './index.js';
import { readPv, type PvOnDisk } from './lvm-read.js';
import { createDmDevice, mapperName, sessionDmName } from './lvm-dm.js';
import { hasDeviceMapper } from '../device-mapper.js';
import { lvProblems, validLvmName } from './lvm-checks.js';

// LVM2: the PVs among the volumes (blkid's LVM2_member), grouped into VGs by the metadata they
// carry (the highest seqno wins), and one volume per visible LV. A linear LV in one piece of one
// PV is a byte range of that PV's volume (attached by loop offset like a partition); anything
// else needs device-mapper. Nothing here runs the host's LVM tools.

export const lvmLayer: Layer = {
  name: 'lvm',
  async expand(candidates, _all, ctx) {
    const pvVols = candidates.filter((v) => v.fstype === 'LVM2_member');
    if (pvVols.length === 0) return { used: [], made: [] };
    const pvs: PvOnDisk[] = [];
    for (const vol of pvVols) {
      try {
        const pv = readPv(vol);
        if (pv.problem) ctx.note(`${vol.device}: LVM metadata unreadable: ${pv.problem}`);
        pvs.push(pv);
      } catch (err) {
        vol.note = `LVM physical volume: ${(err as Error).message}`;
        ctx.note(`${vol.device}: ${vol.note}`);
      }
    }
    const session = randomBytes(4).toString('hex');
    const made: Volume[] = [];
    for (const group of groupVolumeGroups(pvs, ctx)) made.push(...(await openVolumeGroup(group, ctx, session)));
    return { used: pvVols, made };
  },
};

interface VgGroup {
  vg: VolumeGroup;
  /** PV UUID -> the volume holding it. */
  members: Map<string, Volume>;
}

/** One group per VG UUID, with the newest metadata; PVs without metadata join the VG listing them. */
export function groupVolumeGroups(pvs: PvOnDisk[], ctx: Pick<LayerContext, 'note'>): VgGroup[] {
  const byUuid = new Map<string, PvOnDisk>();
  const duplicated = new Set<string>();
  for (const pv of pvs) {
    const seen = byUuid.get(pv.label.uuid);
    if (seen) {
      duplicated.add(pv.label.uuid);
      ctx.note(`LVM: PV ${pv.label.uuid} is on both ${seen.vol.device} and ${pv.vol.device} (a cloned disk?): its VG is not opened`);
    } else byUuid.set(pv.label.uuid, pv);
  }
  const newest = new Map<string, VolumeGroup>();
  for (const pv of pvs) {
    if (!pv.vg) continue;
    const had = newest.get(pv.vg.uuid);
    if (had && had.seqno === pv.vg.seqno && had.name !== pv.vg.name)
      ctx.note(`LVM: two PVs of VG ${had.name} (${pv.vg.uuid}) disagree at the same metadata version ${had.seqno} (${pv.vol.device} says VG ${pv.vg.name}): the first is used`);
    if (!had || pv.vg.seqno > had.seqno) newest.set(pv.vg.uuid, pv.vg);
  }
  const groups: VgGroup[] = [];
  const names = new Set<string>();
  for (const vg of newest.values()) {
    if (!validLvmName(vg.name)) {
      ctx.note(`LVM: VG name ${JSON.stringify(vg.name)} is not a valid LVM name: its LVs are not listed`);
      continue;
    }
    if (names.has(vg.name)) {
      ctx.note(`LVM: two different VGs are named ${vg.name}: only the first is opened`);
      continue;
    }
    if (vg.pvs.some((p) => duplicated.has(p.uuid))) continue;
    names.add(vg.name);
    const members = new Map<string, Volume>();
    for (const p of vg.pvs) {
      const vol = byUuid.get(p.uuid)?.vol;
      if (vol) {
        members.set(p.uuid, vol);
        vol.note ??= `LVM physical volume of VG ${vg.name}`;
      }
    }
    groups.push({ vg, members });
  }
  return groups;
}

async function openVolumeGroup({ vg, members }: VgGroup, ctx: LayerContext, session: string): Promise<Volume[]> {
  const problems = lvProblems(vg, members);
  for (const p of vg.pvs) if (!members.has(p.uuid)) ctx.note(`LVM: PV ${p.uuid} of VG ${vg.name} is missing (last seen as ${p.deviceHint ?? 'an unknown device'})`);
  const loops = new Map<string, string>();
  const out: Volume[] = [];
  for (const lv of vg.lvs) {
    if (!lv.visible) continue;
    if (!validLvmName(lv.name)) {
      ctx.note(`LVM: LV name ${JSON.stringify(lv.name)} in VG ${vg.name} is not a valid LVM name: not listed`);
      continue;
    }
    out.push(await lvVolume(vg, lv, members, problems.get(lv.name), { ctx, session, loops }));
  }
  return out;
}

interface DmContext {
  ctx: LayerContext;
  session: string;
  /** PV UUID -> the loop device attached on its volume (shared by the VG's dm devices). */
  loops: Map<string, string>;
}

async function lvVolume(vg: VolumeGroup, lv: LogicalVolume, members: Map<string, Volume>, problem: string | undefined, dm: DmContext): Promise<Volume> {
  const firstPv = vg.pvs.find((p) => p.key === lv.segments[0]?.stripes[0]?.on) ?? vg.pvs[0];
  const home = (firstPv && members.get(firstPv.uuid)) ?? [...members.values()][0]!;
  const extents = lv.segments.reduce((n, s) => n + s.extentCount, 0);
  const size = extents * vg.extentSize * SECTOR;
  const vol: Volume = {
    device: `/dev/${vg.name}/${lv.name}`,
    aliases: [`/dev/mapper/${mapperName(vg.name, lv.name)}`],
    disk: home.disk,
    layer: 'lv',
    parent: home.device,
    source: home.source,
    offset: 0,
    size: Number.isSafeInteger(size) ? size : 0,
    ...NOTHING_FOUND,
    ...NOT_A_PARTITION,
  };
  const why = problem ?? (await place(vol, vg, lv, members, dm));
  if (why) {
    vol.unusable = why;
    if (lv.snapshotOf) vol.note = why;
    return vol;
  }
  return { ...vol, ...(await probeRange(vol.source, vol.offset, vol.size)) };
}

/** Point the volume at the LV's bytes; returns why it cannot be, or undefined. */
async function place(vol: Volume, vg: VolumeGroup, lv: LogicalVolume, members: Map<string, Volume>, dm: DmContext): Promise<string | undefined> {
  const id = `${vg.name}/${lv.name}`;
  const simple = lv.segments.length === 1 && lv.segments[0]!.stripes.length === 1;
  try {
    if (simple) {
      const m = linearMapping(vg, lv.name);
      if (!m.ok) return `LV ${m.unsupported}`;
      const piece = m.value[0]!;
      const pv = members.get(piece.pvUuid)!;
      vol.source = pv.source;
      vol.offset = pv.offset + piece.pvOffsetBytes;
      vol.size = piece.lengthBytes;
      return undefined;
    }
    const shape = lv.segments.length > 1 ? `has ${lv.segments.length} segments` : `is striped over ${lv.segments[0]?.stripes.length ?? 0} PVs`;
    if (!(await hasDeviceMapper()))
      return `LV ${id} ${shape}: opening it needs device-mapper (dm-mod), which this host's kernel lacks`;
    const check = dmTable(vg, lv.name, () => '/dev/null');
    if (!check.ok) return `LV ${check.unsupported}`;
    for (const uuid of new Set(lv.segments.flatMap((s) => s.stripes.map((a) => vg.pvs.find((p) => p.key === a.on)!.uuid)))) {
      if (dm.loops.has(uuid)) continue;
      const pv = members.get(uuid)!;
      // The loop starts at the PV's data area, not at its label: a block device showing an LVM
      // label is what the host's udev rules hand to the host's LVM (event activation).
      const dataArea = vg.pvs.find((p) => p.uuid === uuid)!.peStart * SECTOR;
      dm.loops.set(uuid, await attachLoop(pv.source, { offset: pv.offset + dataArea, size: pv.size - dataArea }, dm.ctx.readOnly, dm.ctx.stack));
    }
    const table = dmTable(vg, lv.name, (uuid) => dm.loops.get(uuid)!, true);
    if (!table.ok) return `LV ${table.unsupported}`;
    vol.source = await createDmDevice(sessionDmName(dm.session, vg.name, lv.name), table.value, dm.ctx.readOnly, dm.ctx.stack);
    vol.offset = 0;
    return undefined;
  } catch (err) {
    const msg = (err as Error).message;
    return msg.startsWith(`LV ${id}`) ? msg : `LV ${id}: ${msg}`;
  }
}
