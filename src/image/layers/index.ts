import type { ResourceStack } from '../../resources/stack.js';
import type { Volume } from '../volumes.js';

// Volumes built on other volumes: RAID arrays on their members, opened LUKS volumes on their
// containers, LVM logical volumes on their physical volumes. Each layer takes the volumes it
// recognises and adds the volumes it builds; rounds repeat until nothing new appears, so any
// stacking works (LVM inside LUKS, LUKS inside an LV, LVM on RAID...).

export interface LayerContext {
  readOnly: boolean;
  /** The session's private 0700 directory, for exports and secret files. */
  workDir: string;
  stack: ResourceStack;
  /** Tells the user something about the layout (shown when the session opens). */
  note(text: string): void;
  /** --rw-raid: assemble md arrays with the host's md driver (when it has one) instead of reading one mirror half. */
  rwRaid?: boolean;
  /** Keys for LUKS volumes (--key, then the prompt on a terminal); null when there is none (more). */
  keyFor?(vol: Volume, luksUuid: string | null, luksVersion?: number): Promise<Buffer | null>;
}

export interface Layer {
  name: string;
  /** Builds the volumes that `candidates` (volumes no layer has used yet) hold; returns what it used and made. */
  expand(candidates: Volume[], all: Volume[], ctx: LayerContext): Promise<{ used: Volume[]; made: Volume[] }>;
}

const MAX_ROUNDS = 8;

export async function expandLayers(volumes: Volume[], layers: Layer[], ctx: LayerContext): Promise<Volume[]> {
  const all = [...volumes];
  const used = new Set<Volume>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let grew = false;
    for (const layer of layers) {
      const candidates = all.filter((v) => !used.has(v));
      const r = await layer.expand(candidates, all, ctx);
      for (const v of r.used) used.add(v);
      if (r.made.length > 0) {
        all.push(...r.made);
        grew = true;
      }
    }
    if (!grew) return all;
  }
  ctx.note(`volume layers nested more than ${MAX_ROUNDS} deep: the deeper ones are not opened`);
  return all;
}
