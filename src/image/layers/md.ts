import { closeSync, openSync, readSync } from 'node:fs';
import { readSuperblock, type MdSuperblock } from '../../md/superblock.js';
import { NOTHING_FOUND, probeRange, type Probe } from '../probe.js';
import { attachLoop } from '../attach.js';
import { assembleArray, hostHasMdDriver } from '../../md/assemble.js';
import { NOT_A_PARTITION, type Volume } from '../volumes.js';
import type { Layer, LayerContext } from './index.js';

// Linux software RAID: members (blkid type linux_raid_member) are grouped by their array's UUID.
// A RAID1 array is opened through one member at its data offset, read-only: writing one half
// would desynchronise the mirror. Other levels need the md driver to assemble them.

export const RAID1_READ_ONLY =
  'one member of a RAID1 mirror is used: writing it would desynchronise the mirror (use --rw-raid on a host with the md driver)';

export interface MdMember {
  vol: Volume;
  sb: MdSuperblock;
}

export interface MdArray {
  uuid: string;
  members: MdMember[];
}

export const mdLayer: Layer = {
  name: 'md',
  async expand(candidates, all, ctx) {
    const members: MdMember[] = [];
    const used: Volume[] = [];
    for (const vol of candidates.filter((v) => v.fstype === 'linux_raid_member')) {
      used.push(vol);
      const r = readSuperblock(rangeReader(vol), vol.size);
      if (r === null) ctx.note(`${vol.device}: blkid calls it a RAID member but it has no md superblock guestctl can read`);
      else if ('problem' in r) ctx.note(`${vol.device}: md superblock ignored: ${r.problem}`);
      else members.push({ vol, sb: r.sb });
    }
    const arrays = groupArrays(members);
    const taken = new Set(all.filter((v) => v.layer === 'md').map((v) => v.device));
    const made: Volume[] = [];
    for (const array of arrays) {
      const names = arrayNames(array, taken);
      taken.add(names.device);
      made.push(await arrayVolume(array, names, ctx));
    }
    return { used, made };
  },
};

export function groupArrays(members: MdMember[]): MdArray[] {
  const byUuid = new Map<string, MdMember[]>();
  for (const m of members) byUuid.set(m.sb.uuid, [...(byUuid.get(m.sb.uuid) ?? []), m]);
  return [...byUuid].map(([uuid, ms]) => ({ uuid, members: ms }));
}

/**
 * /dev/mdN from a 0.90 superblock's preferred minor or a 1.x name "host:N"; other names get
 * md127 and downwards (as mdadm does), with /dev/md/NAME as an alias.
 */
export function arrayNames(array: MdArray, taken: Set<string>): { device: string; aliases: string[] } {
  const sb = array.members[0]!.sb;
  const shortName = sb.name ? sb.name.slice(sb.name.indexOf(':') + 1) : null;
  const aliases = shortName && /^[A-Za-z0-9_.-]+$/.test(shortName) && shortName !== '.' && shortName !== '..' ? [`/dev/md/${shortName}`] : [];
  const wanted = sb.preferredMinor ?? (shortName && /^\d{1,3}$/.test(shortName) ? Number(shortName) : null);
  if (wanted !== null && !taken.has(`/dev/md${wanted}`)) return { device: `/dev/md${wanted}`, aliases };
  for (let n = 127; n >= 0; n--) if (!taken.has(`/dev/md${n}`)) return { device: `/dev/md${n}`, aliases };
  return { device: `/dev/md${taken.size + 128}`, aliases };
}

export function levelName(level: number): string {
  return level === -1 ? 'linear' : `RAID${level}`;
}

async function arrayVolume(array: MdArray, names: { device: string; aliases: string[] }, ctx: LayerContext): Promise<Volume> {
  const first = array.members[0]!;
  const memberList = array.members.map((m) => m.vol.device).join(', ');
  const base = {
    device: names.device,
    ...(names.aliases.length > 0 ? { aliases: names.aliases } : {}),
    disk: first.vol.disk,
    layer: 'md' as const,
    parent: first.vol.device,
    source: first.vol.source,
    offset: first.vol.offset + first.sb.dataOffset,
    size: first.sb.dataSize,
    ...NOT_A_PARTITION,
  };
  const blank = NOTHING_FOUND;
  if (ctx.rwRaid) {
    if (hostHasMdDriver()) return assembled(array, base, memberList, ctx);
    ctx.note(`--rw-raid: this host has no md driver (no /proc/mdstat): ${names.device} is read through one member`);
  }
  if (first.sb.level !== 1) {
    const why = `${levelName(first.sb.level)} ${names.device} needs the md driver to assemble: not supported yet`;
    ctx.note(`${names.device} (${memberList}): ${why}`);
    return { ...base, ...blank, unusable: why, note: `members: ${memberList}` };
  }
  const probe = await probeRange(first.vol.source, base.offset, base.size);
  const missing = first.sb.raidDisks - array.members.length;
  const note = `RAID1 of ${first.sb.raidDisks} over ${memberList}${missing > 0 ? ` (${missing} not found)` : ''}, read through ${first.vol.device}`;
  if (!ctx.readOnly) ctx.note(`${names.device} is opened read-only: ${RAID1_READ_ONLY}`);
  return { ...base, ...probe, readOnlyReason: RAID1_READ_ONLY, note };
}

/** The whole array through the host's md driver, from the session's own loop devices over its members. */
async function assembled(array: MdArray, base: Omit<Volume, keyof Probe>, memberList: string[] | string, ctx: LayerContext): Promise<Volume> {
  const loops: string[] = [];
  for (const m of array.members) loops.push(await attachLoop(m.vol.source, { offset: m.vol.offset, size: m.vol.size }, ctx.readOnly, ctx.stack));
  const md = await assembleArray(loops, { readOnly: ctx.readOnly, stack: ctx.stack });
  const probe = await probeRange(md.device, 0, md.size);
  return { ...base, source: md.device, offset: 0, size: md.size, ...probe, note: `assembled by the host's md driver as ${md.device} from ${memberList}` };
}

function rangeReader(vol: Volume): (offset: number, length: number) => Buffer {
  return (offset, length) => {
    const len = Math.max(0, Math.min(length, vol.size - offset));
    const buf = Buffer.alloc(len);
    if (len === 0) return buf;
    const fd = openSync(vol.source, 'r');
    try {
      const n = readSync(fd, buf, 0, len, vol.offset + offset);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  };
}
