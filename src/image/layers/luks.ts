import { promises as fsp } from 'node:fs';
import { CliError } from '../../util/errors.js';
import { LUKS_BINARY_HEADER, luksHeaderLength, parseLuksHeader, type LuksHeader } from '../../luks/header.js';
import { hasDeviceMapper } from '../device-mapper.js';
import { openLuksDm } from '../luks-dm.js';
import { openLuksUserspace, WRONG_KEY, type OpenedLuks } from '../luks-userspace.js';
import { probeRange, type Probe } from '../probe.js';
import { NOT_A_PARTITION, type Volume } from '../volumes.js';
import type { Layer, LayerContext } from './index.js';

// LUKS containers, opened with their key: through the host's dm-crypt when the kernel has
// device-mapper (LUKS1 and LUKS2), else through qemu-storage-daemon's userspace luks driver
// (LUKS1 only). The opened volume is /dev/mapper/luks-<UUID>, as systemd-cryptsetup names it
// when crypttab does not, and is probed like any other (an LVM PV inside is the next round's).

const TRIES = 3;

export interface LuksDeps {
  readHeader(vol: Volume): Promise<LuksHeader>;
  hasDeviceMapper(): Promise<boolean>;
  openUserspace(vol: Volume, key: Buffer, ctx: LayerContext): Promise<OpenedLuks | typeof WRONG_KEY>;
  openDm(vol: Volume, key: Buffer, uuid: string, ctx: LayerContext): Promise<OpenedLuks | typeof WRONG_KEY>;
  probe(source: string, offset: number, size: number): Promise<Probe>;
}

export function makeLuksLayer(deps: LuksDeps): Layer {
  return {
    name: 'luks',
    async expand(candidates, _all, ctx) {
      const used: Volume[] = [];
      const made: Volume[] = [];
      for (const vol of candidates.filter((v) => v.fstype === 'crypto_LUKS' && !v.unusable)) {
        used.push(vol);
        let header: LuksHeader;
        try {
          header = await deps.readHeader(vol);
        } catch (err) {
          vol.unusable = `LUKS volume ${vol.device}: ${(err as Error).message}`;
          ctx.note(vol.unusable);
          continue;
        }
        const dm = await deps.hasDeviceMapper();
        if (header.version === 2 && !dm) {
          vol.unusable = `LUKS2 volume ${vol.device} needs dm-crypt (device-mapper), which this host's kernel lacks; QEMU's userspace LUKS driver reads only LUKS1`;
          ctx.note(vol.unusable);
          continue;
        }
        const open = dm ? (key: Buffer) => deps.openDm(vol, key, header.uuid, ctx) : (key: Buffer) => deps.openUserspace(vol, key, ctx);
        const opened = await unlock(vol, header, ctx, open);
        if (!opened) continue;
        const probe = await deps.probe(opened.source, 0, opened.size);
        made.push({
          device: `/dev/mapper/luks-${header.uuid}`,
          disk: vol.disk,
          layer: 'luks',
          parent: vol.device,
          source: opened.source,
          offset: 0,
          size: opened.size,
          ...probe,
          ...NOT_A_PARTITION,
        });
      }
      return { used, made };
    },
  };
}

/** Ask for the key and open: a wrong key is asked again (on a terminal), up to TRIES times. */
async function unlock(vol: Volume, header: LuksHeader, ctx: LayerContext, open: (key: Buffer) => Promise<OpenedLuks | typeof WRONG_KEY>): Promise<OpenedLuks | null> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const key = (await ctx.keyFor?.(vol, header.uuid, header.version)) ?? null;
    if (!key) {
      if (attempt > 0) break;
      vol.note = `LUKS volume ${vol.device} is locked: give --key ${vol.device}:key:… or --key ${vol.device}:file:FILE`;
      ctx.note(vol.note);
      return null;
    }
    try {
      const opened = await open(key);
      if (opened !== WRONG_KEY) return opened;
    } finally {
      key.fill(0);
    }
  }
  throw new CliError('refused', `wrong passphrase for ${vol.device}`);
}

async function readHeader(vol: Volume): Promise<LuksHeader> {
  const fh = await fsp.open(vol.source, 'r');
  try {
    const read = async (length: number) => {
      const buf = Buffer.alloc(Math.min(length, vol.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, vol.offset);
      return buf.subarray(0, bytesRead);
    };
    return parseLuksHeader(await read(luksHeaderLength(await read(LUKS_BINARY_HEADER))));
  } finally {
    await fh.close();
  }
}

export const luksLayer = makeLuksLayer({
  readHeader,
  hasDeviceMapper: () => hasDeviceMapper(),
  openUserspace: (vol, key, ctx) => openLuksUserspace(vol, key, ctx),
  openDm: (vol, key, uuid, ctx) => openLuksDm(vol, key, uuid, ctx),
  probe: probeRange,
});
